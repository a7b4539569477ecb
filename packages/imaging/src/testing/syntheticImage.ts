import { data as dcmjsData } from 'dcmjs';

export interface SyntheticImageSpec {
  rows: number;
  columns: number;
  bitsAllocated: 1 | 8 | 16 | 32;
  bitsStored: number;
  highBit?: number;
  signed?: boolean;
  samplesPerPixel?: 1 | 3;
  photometric: string;
  planarConfiguration?: 0 | 1;
  frames?: number;
  /** A sample's stored value (already within Bits Stored); `sample` is 0–2 for colour. */
  value: (x: number, y: number, frame: number, sample: number) => number;
  /** Bits set above High Bit in every sample (an overlay or garbage a viewer must mask off). */
  noiseAboveHighBit?: boolean;
  /** More attributes, as dcmjs naturalized keywords. */
  attributes?: Record<string, unknown>;
}

const explicitVrLittleEndian = '1.2.840.10008.1.2.1';
const secondaryCapture = '1.2.840.10008.5.1.4.1.1.7';

let counter = 0;
function uid(): string {
  counter++;
  return `2.25.${Date.now()}${process.pid}${counter}`;
}

/**
 * A small image written as explicit VR little endian, for the imaging tests: every pixel layout a
 * modality may send, described by a spec and a function giving each sample's stored value.
 */
export function syntheticImage(spec: SyntheticImageSpec): Buffer {
  const samples = spec.samplesPerPixel ?? 1;
  const frames = spec.frames ?? 1;
  const highBit = spec.highBit ?? spec.bitsStored - 1;
  const sopInstanceUid = uid();
  const sopClassUid = frames > 1 ? multiFrameSecondaryCapture(spec.bitsAllocated, samples) : secondaryCapture;
  const dataset: Record<string, unknown> = {
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    StudyInstanceUID: uid(),
    SeriesInstanceUID: uid(),
    Modality: 'OT',
    PatientName: [{ Alphabetic: 'Test^Imaging' }],
    PatientID: 'IMG0001',
    SamplesPerPixel: samples,
    PhotometricInterpretation: spec.photometric,
    Rows: spec.rows,
    Columns: spec.columns,
    BitsAllocated: spec.bitsAllocated,
    BitsStored: spec.bitsStored,
    HighBit: highBit,
    PixelRepresentation: spec.signed ? 1 : 0,
    ...(samples > 1 ? { PlanarConfiguration: spec.planarConfiguration ?? 0 } : {}),
    ...(frames > 1 ? { NumberOfFrames: String(frames), FrameIncrementPointer: '00181063', FrameTime: '100' } : {}),
    ...spec.attributes,
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: explicitVrLittleEndian,
    ImplementationClassUID: '2.25.80326962027542328531954031048487055095',
  };
  const { DicomDict, DicomMetaDictionary } = dcmjsData;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return appendPixelData(Buffer.from(dict.write()), pixelBytes(spec, samples, frames, highBit));
}

/** Multi-frame Grayscale Byte / Grayscale Word / True Color Secondary Capture (PS3.4 §B.5). */
function multiFrameSecondaryCapture(bitsAllocated: number, samples: number): string {
  if (samples === 3) return '1.2.840.10008.5.1.4.1.1.7.4';
  if (bitsAllocated === 1) return '1.2.840.10008.5.1.4.1.1.7.1';
  return bitsAllocated === 8 ? '1.2.840.10008.5.1.4.1.1.7.2' : '1.2.840.10008.5.1.4.1.1.7.3';
}

function pixelBytes(spec: SyntheticImageSpec, samples: number, frames: number, highBit: number): Buffer {
  const { rows, columns } = spec;
  const bytesPerSample = spec.bitsAllocated / 8;
  const count = rows * columns * samples * frames;
  const length = Math.ceil(count * bytesPerSample);
  const output = Buffer.alloc(length + (length % 2));
  const shift = highBit + 1 - spec.bitsStored;
  const storedMask = 2 ** spec.bitsStored - 1;
  const noise = spec.noiseAboveHighBit ? (2 ** spec.bitsAllocated - 1) ^ (2 ** (highBit + 1) - 1) : 0;
  let index = 0;
  for (let frame = 0; frame < frames; frame++) {
    const planes = spec.planarConfiguration === 1 ? samples : 1;
    for (let plane = 0; plane < planes; plane++) {
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < columns; x++) {
          const perPixel = planes === 1 ? samples : 1;
          for (let s = 0; s < perPixel; s++) {
            const sample = planes === 1 ? s : plane;
            const stored = (Math.round(spec.value(x, y, frame, sample)) & storedMask) << shift;
            const word = stored | (noise & ((x * 7 + y * 13) << (highBit + 1)));
            if (spec.bitsAllocated === 1) {
              if (word & 1) output[index >> 3] = (output[index >> 3] as number) | (1 << (index & 7));
            } else if (bytesPerSample === 1) output[index] = word & 0xff;
            else if (bytesPerSample === 2) output.writeUInt16LE(word & 0xffff, index * 2);
            else output.writeUInt32LE(word >>> 0, index * 4);
            index++;
          }
        }
      }
    }
  }
  return output;
}

function appendPixelData(dataset: Buffer, pixels: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16LE(0x7fe0, 0);
  header.writeUInt16LE(0x0010, 2);
  header.write('OW', 4, 'latin1');
  header.writeUInt32LE(pixels.length, 8);
  return Buffer.concat([dataset, header, pixels]);
}

/** A smooth, structured test picture in [0, 1]: gradients, a disc, stripes; differs per frame. */
export function phantom(x: number, y: number, frame: number, width: number, height: number): number {
  const u = x / (width - 1);
  const v = y / (height - 1);
  const disc = (u - 0.5 - frame * 0.1) ** 2 + (v - 0.5) ** 2 < 0.06 ? 0.35 : 0;
  const stripes = Math.floor(u * 8) % 2 === 0 ? 0.1 : 0;
  return Math.min(1, 0.15 + 0.4 * u * v + disc + stripes + 0.1 * Math.sin(6 * v + frame));
}
