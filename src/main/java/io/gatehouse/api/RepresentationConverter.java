package io.gatehouse.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.HttpMessageNotWritableException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.xml.XmlMapper;

/** Writes a {@link Representation} as JSON, HAL+JSON, XML or (collections only) CSV. */
public final class RepresentationConverter extends AbstractHttpMessageConverter<Representation> {
    public static final MediaType HAL_JSON = MediaType.parseMediaType("application/hal+json");
    public static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final XmlMapper XML = XmlMapper.builder().build();

    public RepresentationConverter() {
        super(MediaType.APPLICATION_JSON, HAL_JSON, MediaType.APPLICATION_XML, MediaType.TEXT_XML, TEXT_CSV);
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return Representation.class.isAssignableFrom(clazz);
    }

    @Override
    protected boolean canRead(MediaType mediaType) {
        return false;
    }

    @Override
    protected Representation readInternal(Class<? extends Representation> clazz, HttpInputMessage input)
            throws HttpMessageNotReadableException {
        throw new HttpMessageNotReadableException("not readable", input);
    }

    @Override
    protected void writeInternal(Representation r, HttpOutputMessage output)
            throws IOException, HttpMessageNotWritableException {
        MediaType type = output.getHeaders().getContentType();
        OutputStream out = output.getBody();
        if (type == null || type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
            JSON.writeValue(out, r.body());
        } else if (type.isCompatibleWith(HAL_JSON)) {
            JSON.writeValue(out, hal(r));
        } else if (type.isCompatibleWith(MediaType.APPLICATION_XML) || type.isCompatibleWith(MediaType.TEXT_XML)) {
            XML.writer().withRootName(r.xmlRoot()).writeValue(out, r.body());
        } else if (type.isCompatibleWith(TEXT_CSV)) {
            if (r instanceof Representation.Collection c) {
                out.write(csv(r.body().get(c.itemsField())).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    protected MediaType getDefaultContentType(Representation r) {
        return MediaType.APPLICATION_JSON;
    }

    @Override
    public boolean canWrite(Class<?> clazz, MediaType mediaType) {
        if (!supports(clazz)) {
            return false;
        }
        if (mediaType != null && mediaType.isCompatibleWith(TEXT_CSV) && !mediaType.isWildcardType()) {
            // a single resource has no tabular form: text/csv is offered for collections only
            return Representation.Collection.class.isAssignableFrom(clazz);
        }
        return mediaType == null || canWrite(mediaType);
    }

    private static JsonNode hal(Representation r) {
        ObjectNode copy = (ObjectNode) r.body().deepCopy();
        ObjectNode links = copy.putObject("_links");
        for (Map.Entry<String, String> link : r.links().entrySet()) {
            links.putObject(link.getKey()).put("href", link.getValue());
        }
        if (r instanceof Representation.Collection c && c.itemSelf() != null
                && copy.get(c.itemsField()) instanceof ArrayNode items) {
            for (JsonNode item : items) {
                if (item instanceof ObjectNode o && o.hasNonNull(c.itemIdField())) {
                    o.putObject("_links").putObject("self")
                            .put("href", c.itemSelf().replace("{id}", o.get(c.itemIdField()).asString()));
                }
            }
        }
        return copy;
    }

    static String csv(JsonNode items) {
        Set<String> columns = new LinkedHashSet<>();
        List<ObjectNode> rows = new ArrayList<>();
        if (items != null) {
            for (JsonNode item : items) {
                if (item instanceof ObjectNode o) {
                    rows.add(o);
                    columns.addAll(o.propertyNames());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", columns.stream().map(RepresentationConverter::cell).toList())).append("\r\n");
        for (ObjectNode row : rows) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                JsonNode v = row.get(column);
                String text = v == null || v.isNull() ? "" : v.isValueNode() ? v.asString() : JSON.writeValueAsString(v);
                cells.add(cell(text));
            }
            out.append(String.join(",", cells)).append("\r\n");
        }
        return out.toString();
    }

    private static String cell(String text) {
        // a leading formula character makes spreadsheets execute the cell (CSV injection)
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
