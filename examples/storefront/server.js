'use strict';
// A shop's front page with no dependencies: what staging.yaml's checks compare with production. The banner and the
// product grid are laid out at fixed places, and the clock at the bottom changes on every request (staging.yaml masks it).
const http = require('node:http');

const port = Number(process.env.PORT) || 3000;
const host = process.env.HOST || '127.0.0.1';

const products = [
  ['Wool scarf', 39],
  ['Ceramic mug', 18],
  ['Linen apron', 42],
  ['Oak board', 55],
];

function page() {
  const cards = products
    .map(([name, price]) => `<li class="card"><div class="photo"></div><h2>${name}</h2><p class="price">€${price}</p></li>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="description" content="Handmade goods for the kitchen and the cold.">
  <title>Storefront</title>
  <style>
    body { margin: 0; font-family: sans-serif; color: #1f2328; background: #fff; }
    header { height: 80px; background: #f3f4f6; }
    header h1 { margin: 0; padding: 24px 40px; font-size: 24px; }
    #sale { position: absolute; left: 40px; top: 120px; width: 240px; height: 60px; background: #1a5fb4; color: #fff; font-size: 20px; line-height: 60px; text-align: center; }
    main { padding: 220px 40px 40px; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, 160px); gap: 24px; }
    .photo { width: 160px; height: 120px; background: #d0d7de; }
    h2 { font-size: 16px; margin: 8px 0 4px; }
    .price { margin: 0; color: #57606a; }
    .clock { padding: 0 40px 40px; color: #57606a; }
  </style>
</head>
<body>
  <header><h1>Storefront</h1></header>
  <div id="sale">Winter sale</div>
  <main>
    <ul>
      ${cards}
    </ul>
  </main>
  <p class="clock">Page made at <time>${new Date().toISOString()}</time></p>
</body>
</html>
`;
}

http
  .createServer((req, res) => {
    const path = new URL(req.url, 'http://app').pathname;
    if (path === '/healthz') return void res.end('ok');
    if (path !== '/') return void res.writeHead(404).end('Not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page());
  })
  .listen(port, host, () => console.log(`storefront listening on ${host}:${port}`));
