/**
 * The baseline of the TCP benchmarks: a TCP echo server in its own process, which writes every
 * byte it receives back on the same connection. It does no work per message, so a round trip
 * through it costs only what loopback TCP and two Node.js event loops cost.
 *
 * Run as `node --import tsx test/bench/echo-server.ts`. It listens on a free port of 127.0.0.1,
 * prints `echo listening on port PORT` on stdout, and runs until it is killed.
 */
import { createServer } from 'node:net';

const server = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});

server.listen({ host: '127.0.0.1', port: 0 }, () => {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    process.stderr.write(`echo server bound an address that is not TCP: ${String(address)}\n`);
    process.exit(1);
  }
  process.stdout.write(`echo listening on port ${address.port}\n`);
});
