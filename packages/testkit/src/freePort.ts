import { createServer } from 'node:net';

/**
 * A TCP port nothing listens on right now. Listening without a host binds the dual-stack wildcard,
 * so the port is free on IPv4 and IPv6 alike. Another process may still take it before the caller
 * binds; callers that can, bind port 0 themselves instead.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a listening socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
