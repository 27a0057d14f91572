// The HTTP-POST binding's page posts its form on at once. This file is the page's only script; it is
// served by Gatehouse so that the Content-Security-Policy can forbid inline scripts everywhere.
'use strict';
var form = document.getElementById('post-form');
if (form) {
  form.submit();
}
