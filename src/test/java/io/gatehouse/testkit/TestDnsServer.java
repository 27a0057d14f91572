package io.gatehouse.testkit;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real DNS server on 127.0.0.1 (UDP and TCP on one random port), answering from dnsjava's own
 * message classes with what a test sets per name: TXT records, NXDOMAIN, SERVFAIL, REFUSED, silence,
 * an answer too large for UDP, a malformed packet or an alias. A name nobody set is NXDOMAIN.
 */
public final class TestDnsServer implements AutoCloseable {
    private static final int UDP_LIMIT_WITHOUT_EDNS = 512;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<Name, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<Name, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final Map<Name, AtomicInteger> tcpQueries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** What the server answers for a name. */
    private sealed interface Behaviour {
        record Answer(List<Record> records) implements Behaviour {
        }

        record Error(int rcode) implements Behaviour {
        }

        record Silence() implements Behaviour {
        }

        record Garbage() implements Behaviour {
        }
    }

    private static volatile TestDnsServer shared;

    /**
     * The one server every test application's {@code GATEHOUSE_DNS_SERVERS} names (see
     * {@link GatehouseInitializers}); tests set names under their own unique domains on it.
     */
    public static TestDnsServer shared() {
        if (shared == null) {
            synchronized (TestDnsServer.class) {
                if (shared == null) {
                    shared = new TestDnsServer();
                }
            }
        }
        return shared;
    }

    public TestDnsServer() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatagramSocket u = null;
        ServerSocket t = null;
        // one port for both: try until a free UDP port is free for TCP too
        for (int i = 0; i < 20 && t == null; i++) {
            try {
                u = new DatagramSocket(new InetSocketAddress(loopback, 0));
                t = new ServerSocket(u.getLocalPort(), 50, loopback);
            } catch (IOException e) {
                if (u != null) {
                    u.close();
                }
            }
        }
        if (t == null) {
            throw new IllegalStateException("no free port for UDP and TCP on 127.0.0.1");
        }
        udp = u;
        tcp = t;
        Thread.ofPlatform().daemon().name("test-dns-udp").start(this::serveUdp);
        Thread.ofPlatform().daemon().name("test-dns-tcp").start(this::serveTcp);
    }

    /** Where to send queries. */
    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** One TXT record per value (a value longer than 255 bytes is split into several strings). */
    public TestDnsServer txt(String name, Duration ttl, String... values) {
        List<List<String>> records = new ArrayList<>();
        for (String v : values) {
            records.add(chunks(v));
        }
        return txtStrings(name, ttl, records);
    }

    /** TXT records given as their character-strings, each record's strings as the wire carries them. */
    public TestDnsServer txtStrings(String name, Duration ttl, List<List<String>> records) {
        Name owner = name(name);
        List<Record> rrs = new ArrayList<>();
        for (List<String> strings : records) {
            rrs.add(new TXTRecord(owner, DClass.IN, ttl.toSeconds(), strings));
        }
        behaviours.put(owner, new Behaviour.Answer(rrs));
        return this;
    }

    /** The name exists (NOERROR) but has no TXT record. */
    public TestDnsServer noTxt(String name) {
        behaviours.put(name(name), new Behaviour.Answer(List.of()));
        return this;
    }

    public TestDnsServer nxdomain(String name) {
        behaviours.put(name(name), new Behaviour.Error(Rcode.NXDOMAIN));
        return this;
    }

    public TestDnsServer servfail(String name) {
        behaviours.put(name(name), new Behaviour.Error(Rcode.SERVFAIL));
        return this;
    }

    public TestDnsServer refused(String name) {
        behaviours.put(name(name), new Behaviour.Error(Rcode.REFUSED));
        return this;
    }

    /** Never answers queries for the name, over UDP or TCP. */
    public TestDnsServer silent(String name) {
        behaviours.put(name(name), new Behaviour.Silence());
        return this;
    }

    /**
     * {@code count} TXT records of 100 bytes each: over UDP the answer is truncated (TC, records left
     * out), over TCP it is whole.
     */
    public TestDnsServer oversized(String name, Duration ttl, int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = String.format("filler-%04d-", i) + "x".repeat(88);
        }
        return txt(name, ttl, values);
    }

    /** Answers with the query's ID and a header promising records that the packet does not hold. */
    public TestDnsServer malformed(String name) {
        behaviours.put(name(name), new Behaviour.Garbage());
        return this;
    }

    /**
     * The name is an alias of {@code target}; the answer carries the CNAME and, as a recursive resolver
     * would, the target's TXT records.
     */
    public TestDnsServer cname(String name, String target, Duration ttl, String... targetValues) {
        Name owner = name(name);
        Name to = name(target);
        List<Record> rrs = new ArrayList<>();
        rrs.add(new CNAMERecord(owner, DClass.IN, ttl.toSeconds(), to));
        for (String v : targetValues) {
            rrs.add(new TXTRecord(to, DClass.IN, ttl.toSeconds(), chunks(v)));
        }
        behaviours.put(owner, new Behaviour.Answer(rrs));
        return this;
    }

    /** Queries received for the name, over UDP and TCP. */
    public int queries(String name) {
        AtomicInteger n = queries.get(name(name));
        return n == null ? 0 : n.get();
    }

    /** Queries received for the name over TCP. */
    public int tcpQueries(String name) {
        AtomicInteger n = tcpQueries.get(name(name));
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] in = Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] out = answer(in, false);
                if (out != null) {
                    udp.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
                }
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a query it cannot read: a server would drop it too
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                Thread.ofPlatform().daemon().name("test-dns-tcp-conn").start(() -> serveConnection(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serveConnection(Socket socket) {
        try (socket;
             DataInputStream in = new DataInputStream(socket.getInputStream());
             DataOutputStream out = new DataOutputStream(socket.getOutputStream())) {
            while (!closed) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                byte[] reply = answer(query, true);
                if (reply != null) {
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            }
        } catch (EOFException e) {
            // the client is done with the connection
        } catch (IOException e) {
            // the connection broke: nothing to answer to
        }
    }

    /** The wire answer to a wire query, or null for none. */
    private byte[] answer(byte[] wire, boolean overTcp) throws IOException {
        Message query = new Message(wire);
        Record question = query.getQuestion();
        if (question == null) {
            return null;
        }
        Name name = question.getName();
        queries.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        if (overTcp) {
            tcpQueries.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        }
        Behaviour behaviour = behaviours.getOrDefault(name, new Behaviour.Error(Rcode.NXDOMAIN));
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            response.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        }
        switch (behaviour) {
            case Behaviour.Silence s -> {
                return null;
            }
            case Behaviour.Garbage g -> {
                byte[] header = Arrays.copyOf(response.toWire(), 12);
                // 1 question and 3 answers promised, then a name label running past the end
                byte[] broken = Arrays.copyOf(header, 16);
                broken[5] = 1;
                broken[7] = 3;
                broken[12] = 60;
                broken[13] = 'x';
                return broken;
            }
            case Behaviour.Error e -> response.getHeader().setRcode(e.rcode());
            case Behaviour.Answer a -> {
                for (Record r : a.records()) {
                    if (r.getType() == Type.CNAME || question.getType() == Type.ANY || r.getType() == question.getType()) {
                        response.addRecord(r, Section.ANSWER);
                    }
                }
            }
        }
        int limit = overTcp ? 65535 : opt == null ? UDP_LIMIT_WITHOUT_EDNS : Math.max(UDP_LIMIT_WITHOUT_EDNS, opt.getPayloadSize());
        return response.toWire(limit);
    }

    private static List<String> chunks(String value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            out.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        return out.isEmpty() ? List.of("") : out;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
