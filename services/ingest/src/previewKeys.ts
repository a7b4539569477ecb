/**
 * Where an instance's rendered previews live: next to its original
 * (`studies/<study>/<series>/<sop>.dcm`), as `<sop>.thumbnail.jpg` and `<sop>.preview.jpg`, with the
 * preview's kept frame (`<sop>.kept.bin`, @telerad/imaging windowableToBytes) that the web re-windows
 * for a new window at the preview's size instead of decoding the original.
 */
const SUFFIXES = { thumbnail: '.thumbnail.jpg', preview: '.preview.jpg', kept: '.kept.bin' } as const;

export function previewKeysOf(blobKey: string): { thumbnail: string; preview: string; kept: string } {
  const base = blobKey.endsWith('.dcm') ? blobKey.slice(0, -'.dcm'.length) : blobKey;
  return {
    thumbnail: `${base}${SUFFIXES.thumbnail}`,
    preview: `${base}${SUFFIXES.preview}`,
    kept: `${base}${SUFFIXES.kept}`,
  };
}

/** The original a stored object belongs to: itself for an original, the `.dcm` for a preview. */
export function originalKeyOf(key: string): string {
  for (const suffix of Object.values(SUFFIXES)) {
    if (key.endsWith(suffix)) return `${key.slice(0, -suffix.length)}.dcm`;
  }
  return key;
}
