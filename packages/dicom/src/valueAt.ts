import type { DataSet, Element } from 'dicom-parser';

/**
 * The bytes of the value at a path of tags (8 hex digits) and item indexes alternating, as
 * toDicomJson's BulkDataURIs name them; null when there is none or it is a sequence.
 */
export function valueAt(dataSet: DataSet, path: readonly string[]): Uint8Array | null {
  let current: DataSet | undefined = dataSet;
  for (let i = 0; i < path.length; i += 2) {
    if (current === undefined) return null;
    const element: Element | undefined = current.elements[`x${(path[i] as string).toLowerCase()}`];
    if (element === undefined) return null;
    if (i === path.length - 1) {
      if (element.items !== undefined || element.length === 0xffffffff) return null;
      return (current.byteArray as Uint8Array).subarray(element.dataOffset, element.dataOffset + element.length);
    }
    current = element.items?.[Number(path[i + 1])]?.dataSet;
  }
  return null;
}
