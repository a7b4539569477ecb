import { inflateRawSync } from 'node:zlib';
import type { DataSet, Element } from 'dicom-parser';
import dicomParser from 'dicom-parser';
import { ImagingError } from './ImagingError.js';

/** A lookup table as PS3.3 §C.11.1 describes it: `data[0]` is the output for `firstMapped`. */
export interface Lut {
  firstMapped: number;
  bits: number;
  data: Uint16Array;
}

export interface ImageHeader {
  transferSyntaxUid: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  planarConfiguration: number;
  numberOfFrames: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  modalityLut: Lut | undefined;
  windows: { center: number; width: number }[];
  voiLutFunction: string;
  voiLut: Lut | undefined;
  presentationLutShape: string;
  pixelPaddingValue: number | undefined;
  palette: { red: Lut; green: Lut; blue: Lut } | undefined;
}

export interface ParsedImage {
  header: ImageHeader;
  dataSet: DataSet;
  pixelData: Element;
}

/** A deflated dataset that inflates to more than this is refused (a deflate bomb). */
const maxInflatedBytes = 1024 * 1024 * 1024;

/** Samples in one frame beyond which decoding is refused (about sharp's own default input limit). */
const maxFramePixels = 256 * 2 ** 20;

const tags = {
  transferSyntaxUid: 'x00020010',
  samplesPerPixel: 'x00280002',
  photometricInterpretation: 'x00280004',
  planarConfiguration: 'x00280006',
  numberOfFrames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  pixelPaddingValue: 'x00280120',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  voiLutFunction: 'x00281056',
  redDescriptor: 'x00281101',
  greenDescriptor: 'x00281102',
  blueDescriptor: 'x00281103',
  redData: 'x00281201',
  greenData: 'x00281202',
  blueData: 'x00281203',
  modalityLutSequence: 'x00283000',
  lutDescriptor: 'x00283002',
  lutData: 'x00283006',
  voiLutSequence: 'x00283010',
  presentationLutShape: 'x20500020',
  pixelData: 'x7fe00010',
  floatPixelData: 'x7fe00008',
  doubleFloatPixelData: 'x7fe00009',
} as const;

/**
 * Parses a Part 10 file far enough to find its image attributes and the pixel data (fragments of
 * encapsulated data are located, not copied). dicom-parser keeps offsets into `bytes`.
 */
export function readImage(bytes: Uint8Array): ParsedImage {
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, { inflater: boundedInflater });
  } catch (error) {
    if (error instanceof ImagingError) throw error;
    const message = parserMessage(error);
    const reason = /past end of buffer|overread|overrun/i.test(message)
      ? 'the file is truncated'
      : 'cannot read the file';
    throw new ImagingError('corrupt-pixel-data', `${reason}: ${message}`, { cause: error });
  }
  const pixelData = dataSet.elements[tags.pixelData];
  if (pixelData === undefined) {
    if (dataSet.elements[tags.floatPixelData] || dataSet.elements[tags.doubleFloatPixelData]) {
      throw new ImagingError('unsupported-image', 'float pixel data (parametric maps) cannot be rendered');
    }
    throw new ImagingError('no-pixel-data', 'the instance has no Pixel Data (7FE0,0010)');
  }
  if (!pixelData.encapsulatedPixelData && pixelData.dataOffset + pixelData.length > dataSet.byteArray.length) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the pixel data is truncated: ${pixelData.length} bytes declared, ${dataSet.byteArray.length - pixelData.dataOffset} present`,
    );
  }
  return { header: readHeader(dataSet), dataSet, pixelData };
}

function readHeader(dataSet: DataSet): ImageHeader {
  const rows = dataSet.uint16(tags.rows) ?? 0;
  const columns = dataSet.uint16(tags.columns) ?? 0;
  const bitsAllocated = dataSet.uint16(tags.bitsAllocated) ?? 0;
  if (rows === 0 || columns === 0) throw new ImagingError('unsupported-image', 'Rows or Columns is missing or zero');
  if (![1, 8, 16, 32].includes(bitsAllocated)) {
    throw new ImagingError('unsupported-image', `Bits Allocated ${bitsAllocated} is not 1, 8, 16 or 32`);
  }
  const bitsStored = dataSet.uint16(tags.bitsStored) ?? bitsAllocated;
  const highBit = dataSet.uint16(tags.highBit) ?? bitsStored - 1;
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new ImagingError(
      'unsupported-image',
      `inconsistent pixel layout: Bits Allocated ${bitsAllocated}, Bits Stored ${bitsStored}, High Bit ${highBit}`,
    );
  }
  const pixelRepresentation = dataSet.uint16(tags.pixelRepresentation) ?? 0;
  const samplesPerPixel = dataSet.uint16(tags.samplesPerPixel) ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw new ImagingError('unsupported-image', `Samples per Pixel ${samplesPerPixel} is not 1 or 3`);
  }
  if (rows * columns * samplesPerPixel > maxFramePixels) {
    throw new ImagingError(
      'unsupported-image',
      `a ${columns}×${rows} frame is larger than the ${maxFramePixels / 2 ** 20} megapixels telerad decodes`,
    );
  }
  const photometricInterpretation = text(dataSet, tags.photometricInterpretation) || 'MONOCHROME2';
  const modalityItem = dataSet.elements[tags.modalityLutSequence]?.items?.[0]?.dataSet;
  const voiItem = dataSet.elements[tags.voiLutSequence]?.items?.[0]?.dataSet;
  const signed = pixelRepresentation === 1;
  return {
    transferSyntaxUid: text(dataSet, tags.transferSyntaxUid) || '1.2.840.10008.1.2',
    rows,
    columns,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation,
    samplesPerPixel,
    photometricInterpretation,
    planarConfiguration: dataSet.uint16(tags.planarConfiguration) ?? 0,
    numberOfFrames: Math.max(1, dataSet.intString(tags.numberOfFrames) ?? 1),
    rescaleSlope: finiteOr(dataSet.floatString(tags.rescaleSlope), 1) || 1,
    rescaleIntercept: finiteOr(dataSet.floatString(tags.rescaleIntercept), 0),
    modalityLut: modalityItem ? readLut(modalityItem, tags.lutDescriptor, tags.lutData, signed) : undefined,
    windows: readWindows(dataSet),
    voiLutFunction: text(dataSet, tags.voiLutFunction).toUpperCase() || 'LINEAR',
    // The VOI LUT maps Modality LUT output, which rescaling can make negative (CT in HU).
    voiLut: voiItem
      ? readLut(voiItem, tags.lutDescriptor, tags.lutData, signed || rescaleMayBeNegative(dataSet))
      : undefined,
    presentationLutShape: text(dataSet, tags.presentationLutShape).toUpperCase(),
    pixelPaddingValue: readPadding(dataSet, signed),
    palette:
      photometricInterpretation === 'PALETTE COLOR'
        ? {
            red: readPaletteLut(dataSet, tags.redDescriptor, tags.redData, signed),
            green: readPaletteLut(dataSet, tags.greenDescriptor, tags.greenData, signed),
            blue: readPaletteLut(dataSet, tags.blueDescriptor, tags.blueData, signed),
          }
        : undefined,
  };
}

function rescaleMayBeNegative(dataSet: DataSet): boolean {
  return (dataSet.floatString(tags.rescaleIntercept) ?? 0) < 0;
}

function readWindows(dataSet: DataSet): { center: number; width: number }[] {
  const windows: { center: number; width: number }[] = [];
  const centers = dataSet.elements[tags.windowCenter];
  if (!centers || centers.length === 0) return windows;
  const count = Math.min(
    dataSet.numStringValues(tags.windowCenter) ?? 0,
    dataSet.numStringValues(tags.windowWidth) ?? 0,
  );
  for (let index = 0; index < count; index++) {
    const center = dataSet.floatString(tags.windowCenter, index);
    const width = dataSet.floatString(tags.windowWidth, index);
    if (center === undefined || width === undefined || !Number.isFinite(center) || !Number.isFinite(width)) break;
    if (width > 0) windows.push({ center, width });
  }
  return windows;
}

function readPadding(dataSet: DataSet, signed: boolean): number | undefined {
  const element = dataSet.elements[tags.pixelPaddingValue];
  if (!element || element.length < 2) return undefined;
  return signed ? dataSet.int16(tags.pixelPaddingValue) : dataSet.uint16(tags.pixelPaddingValue);
}

/** Modality and VOI LUTs (PS3.3 §C.11.1.1): descriptor entries (0 = 65536), first mapped, bits. */
function readLut(item: DataSet, descriptorTag: string, dataTag: string, signedFirst: boolean): Lut | undefined {
  const descriptor = item.elements[descriptorTag];
  const data = item.elements[dataTag];
  if (!descriptor || !data || descriptor.length < 6) return undefined;
  const entries = item.uint16(descriptorTag, 0) || 65536;
  // Signed when the VR says so, or when the values it maps can be negative (many files write US anyway).
  const signedValue = descriptor.vr === 'SS' || signedFirst;
  const firstMapped = (signedValue ? item.int16(descriptorTag, 1) : item.uint16(descriptorTag, 1)) ?? 0;
  const bits = item.uint16(descriptorTag, 2) ?? 16;
  const values = new Uint16Array(entries);
  const count = Math.min(entries, data.length >> 1);
  if (count === 0) return undefined;
  for (let index = 0; index < count; index++) values[index] = item.uint16(dataTag, index) ?? 0;
  for (let index = count; index < entries; index++) values[index] = values[count - 1] ?? 0;
  return { firstMapped, bits, data: values };
}

/** Palette Color LUTs (PS3.3 §C.7.6.3.1.5); 8-bit entries may be packed two to a 16-bit word. */
function readPaletteLut(dataSet: DataSet, descriptorTag: string, dataTag: string, signed: boolean): Lut {
  const descriptor = dataSet.elements[descriptorTag];
  const data = dataSet.elements[dataTag];
  if (!descriptor || !data || descriptor.length < 6) {
    throw new ImagingError('unsupported-image', 'PALETTE COLOR image without its palette (or a segmented palette)');
  }
  const entries = dataSet.uint16(descriptorTag, 0) || 65536;
  const firstMapped = (signed ? dataSet.int16(descriptorTag, 1) : dataSet.uint16(descriptorTag, 1)) ?? 0;
  const bits = dataSet.uint16(descriptorTag, 2) ?? 16;
  const values = new Uint16Array(entries);
  if (bits === 8 && data.length === entries) {
    for (let index = 0; index < entries; index++) values[index] = dataSet.byteArray[data.dataOffset + index] ?? 0;
  } else {
    const count = Math.min(entries, data.length >> 1);
    for (let index = 0; index < count; index++) values[index] = dataSet.uint16(dataTag, index) ?? 0;
  }
  return { firstMapped, bits, data: values };
}

function text(dataSet: DataSet, tag: string): string {
  return (dataSet.string(tag) ?? '').replace(/\0/g, '').trim();
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

function boundedInflater(bytes: Uint8Array, position: number): Uint8Array {
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength: maxInflatedBytes });
  } catch (error) {
    throw new ImagingError('corrupt-pixel-data', `the deflated dataset cannot be inflated: ${parserMessage(error)}`, {
      cause: error,
    });
  }
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position));
  full.set(inflated, position);
  return full;
}

/** dicom-parser throws strings, `{ exception }` objects or Errors. */
export function parserMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'exception' in error) return parserMessage(error.exception);
  return String(error);
}
