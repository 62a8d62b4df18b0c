'use strict';
// The orders example: POST /orders e-mails a confirmation through Nodemailer and says which Stripe key it would
// charge with. Staging passes the port in $PORT and, in a staging environment, its capture server in $SMTP_URL:
// every message lands in the environment's inbox, none reaches a real person.
const http = require('node:http');
const nodemailer = require('nodemailer');

const port = Number(process.env.PORT) || 3000;
// Containers publish the port from every interface (HOST=0.0.0.0); locally, loopback only.
const host = process.env.HOST || '127.0.0.1';
const release = process.env.RELEASE || 'dev';
// Without SMTP_URL (running it by hand), messages are printed instead of sent.
const mailer = nodemailer.createTransport(process.env.SMTP_URL || { jsonTransport: true });
const stripeKey = process.env.STRIPE_SECRET_KEY || '';
const stripeMode = stripeKey.startsWith('sk_live_') ? 'live' : stripeKey.startsWith('sk_test_') ? 'test' : 'none';

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function page() {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Orders</title></head>
<body>
  <h1>Orders</h1>
  <p>Release <code>${escapeHtml(release)}</code>; Stripe key: <strong id="stripe-mode">${stripeMode}</strong></p>
  <form method="post" action="/orders"><input name="email" type="email" required> <button>Order</button></form>
</body>
</html>
`;
}

/** The confirmation of order `number` to `email`: text, HTML with an inline logo, and the invoice attached. */
function confirmation(number, email) {
  const logo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  return {
    from: '"Orders" <orders@shop.example.com>',
    to: email,
    subject: `Your order #${number}`,
    text: `Thank you for your order #${number}. We will e-mail you again when it ships.`,
    html: `<h1>Thank you!</h1><p>Your order <b>#${number}</b> is confirmed.</p><img src="cid:logo@orders" alt="logo">`,
    attachments: [
      { filename: 'logo.png', content: logo, cid: 'logo@orders' },
      { filename: `invoice-${number}.txt`, content: `Invoice for order #${number}\nTotal: EUR 42.00\n` },
    ],
  };
}

let orders = 0;

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const path = (req.url || '/').split('?')[0];
  try {
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('ok');
    } else if (path === '/' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page());
    } else if (path === '/orders' && req.method === 'POST') {
      const email = new URLSearchParams(await readBody(req)).get('email') || 'customer@example.com';
      const number = ++orders;
      const sent = await mailer.sendMail(confirmation(number, email));
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ order: number, messageId: sent.messageId, stripe: stripeMode }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  } catch (error) {
    console.error(`order failed: ${error.message}`);
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`could not send the confirmation: ${error.message}\n`);
  }
});

server.listen(port, host, () => {
  console.log(`orders release ${release} listening on http://${host}:${port}`);
});
