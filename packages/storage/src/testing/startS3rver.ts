import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface RunningS3rver {
  server: S3rver;
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

/**
 * An in-process S3 server on a free loopback port with its data in a fresh temporary directory.
 * s3rver is a correctness peer only: it speaks the S3 REST API the minio client uses, but it is
 * slow (roughly 100 MB/s), stores each object as a plain file without fsync, has no real multipart
 * semantics (no 5 MiB minimum part size, part ETags not checked on completion, no
 * ListMultipartUploads, no AbortMultipartUpload), and ignores copy conditions such as
 * x-amz-copy-source-if-match. Durability and performance must be measured against a real server.
 */
export async function startS3rver(): Promise<RunningS3rver> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'telerad-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const address = await server.run();
  return {
    server,
    endPoint: '127.0.0.1',
    port: address.port,
    // s3rver's fixed credentials; it checks request signatures against them.
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
