#!/usr/bin/env node
/*
 * A proxyless gRPC xDS client (@grpc/grpc-js with @grpc/grpc-js-xds) driven by paymesh's Java
 * tests. Install its dependencies with `npm ci` in this directory (scripts/test does), then:
 *
 *   GRPC_XDS_BOOTSTRAP=/path/bootstrap.json node xds_client.js [--credentials xds|insecure]
 *
 * It reads one JSON command per line on stdin and writes one JSON line per command on stdout, in
 * order. End of stdin closes every client and exits 0. Logs go to stderr. The commands are the
 * same as xds_client.py's (see there): "ping", and "call" with host, method, metadata,
 * deadlineMs, count, parallel, spacingMs and request; answers carry per call the status code
 * name, details, the reply (UTF-8) and elapsedMs.
 *
 * --credentials xds (the default): XdsChannelCredentials with an insecure fallback, so a cluster's
 * UpstreamTlsContext (certificate provider instances of the bootstrap) is applied.
 */
'use strict';

// Exit code when the npm dependencies are missing; the Java fixture turns it into a hint.
const EXIT_NO_MODULES = 3;

let grpc;
let grpcXds;
try {
  grpc = require('@grpc/grpc-js');
  grpcXds = require('@grpc/grpc-js-xds');
} catch (e) {
  process.stderr.write(`paymesh xds_client.js: cannot load @grpc/grpc-js-xds (${e.message}); `
      + `run 'npm ci' in ${__dirname}\n`);
  process.exit(EXIT_NO_MODULES);
}
const readline = require('readline');
const XDS_VERSION = require('@grpc/grpc-js-xds/package.json').version;

function log(message) {
  process.stderr.write(`[xds_client.js] ${message}\n`);
}

const credentialsMode = (() => {
  const i = process.argv.indexOf('--credentials');
  const mode = i >= 0 ? process.argv[i + 1] : 'xds';
  if (mode !== 'xds' && mode !== 'insecure') {
    log(`--credentials must be xds or insecure, not ${mode}`);
    process.exit(2);
  }
  return mode;
})();

grpcXds.register();
const clients = new Map();

function clientFor(host) {
  let client = clients.get(host);
  if (!client) {
    const insecure = grpc.credentials.createInsecure();
    const credentials = credentialsMode === 'xds'
      ? new grpcXds.XdsChannelCredentials(insecure) : insecure;
    client = new grpc.Client(`xds:///${host}`, credentials);
    clients.set(host, client);
    log(`opened channel to xds:///${host} (${credentialsMode} credentials)`);
  }
  return client;
}

const identity = (buffer) => buffer;

function oneCall(host, method, metadata, deadlineMs, request) {
  return new Promise((resolve) => {
    const md = new grpc.Metadata();
    for (const [key, value] of Object.entries(metadata)) {
      md.set(key, value);
    }
    const start = process.hrtime.bigint();
    const done = (code, details, reply) => resolve({
      code,
      details,
      reply,
      elapsedMs: Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10,
    });
    // A full method name as grpc-java spells it ("pkg.Service/Method") or as a path.
    const path = method.startsWith('/') ? method : `/${method}`;
    clientFor(host).makeUnaryRequest(path, identity, identity, Buffer.from(request, 'utf8'), md,
        {deadline: Date.now() + deadlineMs}, (error, reply) => {
          if (error) {
            done(grpc.status[error.code] ?? String(error.code), error.details ?? '', null);
          } else {
            done('OK', '', reply.toString('utf8'));
          }
        });
  });
}

async function call(command) {
  const {host, method} = command;
  const metadata = command.metadata ?? {};
  const deadlineMs = command.deadlineMs ?? 5000;
  const count = command.count ?? 1;
  const request = command.request ?? 'order-1';
  if (command.parallel) {
    const spacingMs = command.spacingMs ?? 0;
    const calls = [];
    for (let i = 0; i < count; i++) {
      if (i > 0 && spacingMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, spacingMs));
      }
      calls.push(oneCall(host, method, metadata, deadlineMs, request));
    }
    return Promise.all(calls);
  }
  const results = [];
  for (let i = 0; i < count; i++) {
    results.push(await oneCall(host, method, metadata, deadlineMs, request));
  }
  return results;
}

async function handle(command) {
  switch (command.op) {
    case 'ping':
      return {ok: true, client: 'grpc-js', version: XDS_VERSION};
    case 'call':
      return {ok: true, results: await call(command)};
    default:
      return {ok: false, error: `unknown op ${JSON.stringify(command.op)}`};
  }
}

function answer(command, body) {
  if (command && 'id' in command) {
    body.id = command.id;
  }
  process.stdout.write(JSON.stringify(body) + '\n');
}

// Commands run one at a time, in order, so answers come back in the order of the commands.
let queue = Promise.resolve();
const lines = readline.createInterface({input: process.stdin, terminal: false});
lines.on('line', (line) => {
  if (!line.trim()) {
    return;
  }
  queue = queue.then(async () => {
    let command = {};
    try {
      command = JSON.parse(line);
      answer(command, await handle(command));
    } catch (e) {
      answer(command, {ok: false, error: `${e.name}: ${e.message}`});
    }
  });
});
lines.on('close', () => {
  queue.then(() => {
    for (const client of clients.values()) {
      client.close();
    }
    log('stdin closed; exiting');
    // The xDS client keeps its ADS stream open; nothing else is left to do.
    process.exit(0);
  });
});
log(`grpc-js-xds ${XDS_VERSION} ready`);
