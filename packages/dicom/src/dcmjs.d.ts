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

  const DicomMessage: {
    readFile(buffer: ArrayBuffer, options?: { untilTag?: string; includeUntilTagValue?: boolean }): DicomDict;
  };

  /** dcmjs's loglevel logger. */
  interface Logger {
    setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void;
    getLogger(name: string): Logger;
  }
  export const log: Logger;

  export const data: {
    DicomMessage: typeof DicomMessage;
    DicomDict: typeof DicomDict;
    DicomMetaDictionary: typeof DicomMetaDictionary;
  };
}
