'use strict';
// The customers example: a page of the shop's customers, their addresses and their orders, read from PostgreSQL.
// Staging passes the port in $PORT, the release in $RELEASE, and the environment's own database in libpq's variables.
const http = require('node:http');
const { customers } = require('./database');

const port = Number(process.env.PORT) || 3000;
// Containers publish the port from every interface (HOST=0.0.0.0); locally, loopback only.
const host = process.env.HOST || '127.0.0.1';
const release = process.env.RELEASE || 'dev';

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const money = (total, currency) => new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(Number(total));

function customerSection(customer) {
  const addresses = customer.addresses
    .map(
      (a) =>
        `<li data-address="${a.id}"><span class="kind">${escapeHtml(a.kind)}</span> ${escapeHtml(a.recipient)}, ${escapeHtml(a.street)}, ` +
        `${escapeHtml(a.postcode)} ${escapeHtml(a.city)}, ${escapeHtml(a.country)}</li>`,
    )
    .join('\n        ');
  const orders = customer.orders.length
    ? `<table class="orders">
        <thead><tr><th>Order</th><th>Placed</th><th>Status</th><th>Ships to</th><th class="total">Total</th></tr></thead>
        <tbody>
          ${customer.orders
            .map(
              (o) =>
                `<tr data-order="${escapeHtml(o.number)}"><td>#${escapeHtml(o.number)}</td><td>${escapeHtml(o.placedOn)}</td>` +
                `<td><span class="status ${escapeHtml(o.status)}">${escapeHtml(o.status)}</span></td><td>${escapeHtml(o.shipsTo)}</td>` +
                `<td class="total">${escapeHtml(money(o.total, o.currency))}</td></tr>`,
            )
            .join('\n          ')}
        </tbody>
      </table>`
    : '<p class="none">No orders yet.</p>';
  return `<article class="customer" id="customer-${customer.id}" data-customer="${customer.id}">
      <h2>${escapeHtml(customer.name)}</h2>
      <dl>
        <dt>E-mail</dt><dd class="email">${escapeHtml(customer.email)}</dd>
        <dt>Phone</dt><dd class="phone">${escapeHtml(customer.phone || '—')}</dd>
        <dt>City</dt><dd class="city">${escapeHtml(customer.city)}</dd>
        <dt>Born</dt><dd>${escapeHtml(customer.birthDate || '—')}</dd>
        <dt>Last login from</dt><dd>${escapeHtml(customer.lastLoginIp || '—')}</dd>
        <dt>Customer since</dt><dd>${escapeHtml(customer.since)}${customer.marketing ? ' · gets the newsletter' : ''}</dd>
      </dl>
      <ul class="addresses">
        ${addresses}
      </ul>
      ${orders}
    </article>`;
}

function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
    header p, .none { color: #59636e; }
    code { background: #f0f2f4; padding: 0.1rem 0.3rem; border-radius: 4px; }
    .customer { border-top: 1px solid #d1d9e0; padding: 1rem 0; }
    .customer h2 { margin: 0 0 0.5rem; font-size: 1.2rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0 0 0.5rem; }
    dt { color: #59636e; }
    dd { margin: 0; }
    .addresses { padding-left: 1.2rem; }
    .kind { font-size: 0.8rem; text-transform: uppercase; color: #59636e; }
    table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
    th, td { text-align: left; padding: 0.2rem 0.5rem; border-bottom: 1px solid #eff2f5; }
    .total { text-align: right; }
    .status { padding: 0 0.4rem; border-radius: 1rem; background: #eff2f5; }
    .status.delivered { background: #dafbe1; }
    .status.cancelled, .status.refunded { background: #ffebe9; }
    .error { background: #fff8c5; padding: 1rem; border-radius: 6px; }
  </style>
</head>
<body>
${body}
</body>
</html>
`;
}

async function page() {
  const list = await customers();
  const orders = list.reduce((count, customer) => count + customer.orders.length, 0);
  return layout(
    'Customers',
    `<header>
  <h1>Customers</h1>
  <p><span id="customer-count">${list.length}</span> customers, <span id="order-count">${orders}</span> orders ·
  database <code>${escapeHtml(process.env.PGDATABASE || '(libpq default)')}</code> · release <code>${escapeHtml(release)}</code></p>
</header>
<main>
    ${list.map(customerSection).join('\n    ')}
</main>`,
  );
}

function unavailable(error) {
  return layout(
    'Customers: no database',
    `<h1>Customers</h1>
<p class="error">The database cannot be read: ${escapeHtml(error.message)}</p>
<p>Set <code>PGHOST</code>, <code>PGPORT</code>, <code>PGDATABASE</code>, <code>PGUSER</code> and <code>PGPASSWORD</code>, and load
<code>schema.sql</code> and <code>seed.sql</code> into that database (see README.md).</p>`,
  );
}

const server = http.createServer((req, res) => {
  const started = Date.now();
  res.on('finish', () => {
    console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
  });

  const path = (req.url || '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' });
    res.end('method not allowed\n');
  } else if (path === '/healthz') {
    // Healthy without the database: a sync replaces it under a running release, which reads it again on the next request.
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('ok');
  } else if (path === '/') {
    page().then(
      (html) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : html);
      },
      (error) => {
        console.error(`reading the database failed: ${error.message}`);
        res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : unavailable(error));
      },
    );
  } else {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }
});

server.listen(port, host, () => {
  console.log(`customers release ${release} listening on http://${host}:${port} (database ${process.env.PGDATABASE || 'from libpq defaults'})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
