// dcmjs ships no types; this declares the part of its API that createDxInstance uses.
declare module 'dcmjs' {
  type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[] }>;

  class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
  }

  const DicomMetaDictionary: {
    denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset;
    /** Keyed by `(gggg,eeee)`. */
    dictionary: Record<string, DictionaryEntry | undefined>;
    /** Keyed by keyword. */
    nameMap: Record<string, DictionaryEntry | undefined>;
  };

  export const data: {
    DicomDict: typeof DicomDict;
    DicomMetaDictionary: typeof DicomMetaDictionary;
  };
}
