import { createHash } from 'node:crypto';
import type { Client } from 'minio';

/**
 * One multipart upload, always under a fresh upload id. minio's own `putObject` first looks for an
 * unfinished upload of the same key and resumes it: two processes storing the same instance at once
 * would write parts into one upload, and it needs ListMultipartUploads, which s3rver does not
 * implement. At most one part is in flight while the caller reads the next, so memory stays at about
 * two parts per put.
 */
export class S3MultipartUpload {
  private readonly parts: { part: number; etag: string }[] = [];
  private inFlight: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly uploadId: string,
  ) {}

  static async start(client: Client, bucket: string, key: string, contentType: string): Promise<S3MultipartUpload> {
    const uploadId = await client.initiateNewMultipartUpload(bucket, key, { 'Content-Type': contentType });
    return new S3MultipartUpload(client, bucket, key, uploadId);
  }

  /** Waits for the previous part, then starts this one and returns without waiting for it. */
  async add(data: Buffer): Promise<void> {
    await this.inFlight;
    const partNumber = this.parts.length + 1;
    const upload = this.uploadPart(partNumber, data);
    // Observed now so a failure while the caller is still reading is not an unhandled rejection;
    // it is raised by the next add() or by complete().
    upload.catch(() => undefined);
    this.inFlight = upload;
  }

  /** Uploads the last part (if any bytes remain) and assembles the object; returns its ETag. */
  async complete(lastPart: Buffer): Promise<string> {
    if (lastPart.length > 0) await this.add(lastPart);
    await this.inFlight;
    const { etag } = await this.client.completeMultipartUpload(this.bucket, this.key, this.uploadId, this.parts);
    return etag;
  }

  /**
   * Best effort: parts of an abandoned upload are invisible but billed. Servers without
   * AbortMultipartUpload (s3rver) refuse it, and a bucket lifecycle rule
   * (AbortIncompleteMultipartUpload) is the backstop, so a failure here must not hide the error that
   * made the put fail.
   */
  async abort(): Promise<void> {
    await this.inFlight.catch(() => undefined);
    await this.client.abortMultipartUpload(this.bucket, this.key, this.uploadId).catch(() => undefined);
  }

  private async uploadPart(partNumber: number, data: Buffer): Promise<void> {
    const { etag } = await this.client.uploadPart(
      {
        bucketName: this.bucket,
        objectName: this.key,
        uploadID: this.uploadId,
        partNumber,
        // Over TLS minio signs UNSIGNED-PAYLOAD, so Content-MD5 is what lets the server reject a
        // part damaged in transit.
        headers: { 'Content-MD5': createHash('md5').update(data).digest('base64') },
      },
      data,
    );
    this.parts.push({ part: partNumber, etag });
  }
}
