// The cornerstone WASM codecs and jpeg-lossless-decoder-js ship no type declarations.

interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface CodecModuleOptions {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  delete(): void;
}

interface J2kDecoder extends WasmDecoder {
  decodeSubResolution(level: number, layer: number): void;
}

interface JpegLsDecoder extends WasmDecoder {
  getInterleaveMode(): number;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (
    options?: CodecModuleOptions,
  ) => Promise<{ JpegLSDecoder: new () => JpegLsDecoder; getExceptionMessage(pointer: number): string }>;
  export default factory;
}

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (options?: CodecModuleOptions) => Promise<{ JPEGDecoder: new () => WasmDecoder }>;
  export default factory;
}

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: CodecModuleOptions) => Promise<{ J2KDecoder: new () => J2kDecoder }>;
  export default factory;
}

interface HtJ2kEncoder {
  getDecodedBuffer(info: CodecFrameInfo & { isUsingColorTransform: boolean }): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  encode(): void;
  setDecompositions(levels: number): void;
  delete(): void;
}

declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: (
    options?: CodecModuleOptions,
  ) => Promise<{ HTJ2KDecoder: new () => J2kDecoder; HTJ2KEncoder: new () => HtJ2kEncoder }>;
  export default factory;
}

declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(
      buffer: ArrayBufferLike,
      offset: number,
      length: number,
      numBytes: number,
    ): DataView | Uint8Array | Uint16Array;
  }
}
