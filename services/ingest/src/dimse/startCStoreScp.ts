import net, { type AddressInfo, type Socket } from 'node:net';
import { implementationClassUid } from '@telerad/dicom';
import dimse from 'dcmjs-dimse';
import { createScpClass, type ScpContext, type ScpDeps } from './createScpClass.js';
import { implementationVersionName } from './part10File.js';
import { routeDimseLogging } from './routeDimseLogging.js';

export interface CStoreScpOptions {
  /** 0 picks a free port; the one chosen is returned. */
  port: number;
  /** Interface to listen on; all of them when absent. */
  host?: string;
  /**
   * In a node:cluster worker, listen on a socket of this process's own instead of one the primary
   * shares between workers (the DICOM process is the only one on its port).
   */
  exclusive?: boolean;
}

export interface CStoreScp {
  port: number;
  /** Stops accepting, lets C-STOREs being stored answer (up to a few seconds), then closes. */
  stop(): Promise<void>;
}

/** Timeouts of one connection (ms): a modality may pause between images, storing may take a while. */
const scpTimeouts = {
  /** From connecting to the association request. */
  associationTimeout: 30_000,
  /** Between PDUs, including while a large instance is being stored before it is answered. */
  pduTimeout: 300_000,
  /** Socket idle time. */
  connectTimeout: 300_000,
};
const stopGraceMs = 10_000;

/**
 * The DICOM C-STORE SCP (dcmjs-dimse): C-ECHO, and C-STORE of image storage SOP classes in every
 * common transfer syntax, stored byte for byte as the modality sent them. The calling AE title
 * names the clinic (the `clinic_ae_title` table); the called AE title is the region's `aeTitle`, or
 * that title with `_STAT` for an emergency. Each instance is answered success only once
 * storeInstance has stored and indexed it.
 */
export async function startCStoreScp(deps: ScpDeps, options: CStoreScpOptions): Promise<CStoreScp> {
  routeDimseLogging(deps.logger);
  dimse.Implementation.setImplementationClassUid(implementationClassUid);
  dimse.Implementation.setImplementationVersion(implementationVersionName);

  const context: ScpContext = { deps, inFlight: new Set() };
  const TeleradScp = createScpClass(context);
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const scp = new TeleradScp(socket, scpTimeouts);
    // What dcmjs-dimse's own Server does: arms the association and PDU timeouts of this connection.
    (scp as unknown as { connected: boolean }).connected = true;
    scp.on('networkError', (error: Error) => {
      deps.logger.debug({ err: error }, 'C-STORE SCP connection closed on a network error');
      socket.end();
      setTimeout(() => socket.destroy(), 5_000).unref();
    });
  });
  server.on('error', (error) => deps.logger.error({ err: error }, 'C-STORE SCP server error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listen = { port: options.port, exclusive: options.exclusive ?? false };
    server.listen(options.host === undefined ? listen : { ...listen, host: options.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  deps.logger.info({ port, aeTitle: deps.region.aeTitle }, 'C-STORE SCP listening');

  let stopped: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const grace = new Promise<void>((resolve) => setTimeout(resolve, stopGraceMs).unref());
        await Promise.race([Promise.allSettled([...context.inFlight]), grace]);
        for (const socket of sockets) socket.destroy();
        await closed;
        deps.logger.info({ port }, 'C-STORE SCP stopped');
      })();
      return stopped;
    },
  };
}
