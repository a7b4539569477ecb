/**
 * What the render job stores for every instance, in the file's own window: a thumbnail for lists and
 * strips, and a large preview for the viewer's first paint. The web service serves them for any
 * `rendered`/`thumbnail` request they answer exactly.
 */
export const PREVIEW_SPEC = {
  thumbnail: { maxSize: 256, quality: 80 },
  preview: { maxSize: 1024, quality: 90 },
} as const;
