// dcmjs ships no types; this declares the part of its API that createDxInstance uses.
declare module 'dcmjs' {
  type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[] }>;

  class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  const DicomMetaDictionary: {
    denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset;
  };

  export const data: {
    DicomDict: typeof DicomDict;
    DicomMetaDictionary: typeof DicomMetaDictionary;
  };
}
