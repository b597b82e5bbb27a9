'use strict';
// Preloaded (node --require) into kinesis-mock by dev.crowdemotion.local.kinesis.KinesisEmulator.
// 1. kinesis-mock hard-codes its listen host to 0.0.0.0; force loopback-only listeners.
// 2. Exit when the parent JVM goes away (it holds our stdin pipe), so no orphan keeps the ports.
const net = require('net');
const host = process.env.KINESIS_MOCK_BIND_HOST || '127.0.0.1';
const anyHost = (h) => h === undefined || h === null || h === '' || h === '0.0.0.0' || h === '::';
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args.length > 0 && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0])) {
    if (anyHost(args[0].host) && args[0].path === undefined) {
      args[0] = Object.assign({}, args[0], { host: host });
    }
  } else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] === 'string') {
      if (anyHost(args[1])) args[1] = host;
    } else {
      args.splice(1, 0, host);
    }
  }
  return originalListen.apply(this, args);
};
if (process.env.KINESIS_MOCK_EXIT_ON_STDIN_EOF === 'true') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
