import dicomParser from 'dicom-parser';

/**
 * The window a rendering without `window` uses, in modality units, for the viewer to start dragging
 * from: the file's first Window Center/Width, else the full range of Bits Stored through the
 * rescale. Null when the header cannot be read (the render itself reports why).
 */
export function defaultWindowOf(bytes: Uint8Array): { center: number; width: number } | null {
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch {
    return null;
  }
  const center = dataSet.floatString('x00281050', 0);
  const width = dataSet.floatString('x00281051', 0);
  if (center !== undefined && width !== undefined && Number.isFinite(center) && width >= 1) return { center, width };
  const bitsStored = dataSet.uint16('x00280101');
  if (bitsStored === undefined || bitsStored < 1 || bitsStored > 32) return null;
  const signed = dataSet.uint16('x00280103') === 1;
  const slope = dataSet.floatString('x00281053') ?? 1;
  const intercept = dataSet.floatString('x00281052') ?? 0;
  const low = signed ? -(2 ** (bitsStored - 1)) : 0;
  const high = low + 2 ** bitsStored - 1;
  const a = low * slope + intercept;
  const b = high * slope + intercept;
  return { center: (a + b) / 2, width: Math.max(1, Math.abs(b - a)) };
}
