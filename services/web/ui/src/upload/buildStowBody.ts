/** One STOW-RS request body: multipart/related, one application/dicom part per file (PS3.18 §10.5). */
export interface StowBody {
  body: Blob;
  contentType: string;
}

/**
 * A boundary from crypto.getRandomValues, which (unlike crypto.randomUUID) also works on plain-http
 * intranet addresses, where township PCs usually reach the server.
 */
function randomBoundary(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `telerad-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Builds the body from Blob parts, so the files are streamed from disk rather than copied into memory. */
export function buildStowBody(files: readonly Blob[], boundary = randomBoundary()): StowBody {
  const parts: BlobPart[] = [];
  for (const file of files) {
    parts.push(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, file, '\r\n');
  }
  parts.push(`--${boundary}--\r\n`);
  return {
    body: new Blob(parts),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}
