import { data as dcmjsData, log as dcmjsLog } from 'dcmjs';
import { DicomParseError } from './DicomParseError.js';
import { readDataSet } from './readDataSet.js';
import { explicitVrLittleEndian, pixelEncodingOf } from './transferSyntax.js';

const bigEndian = '1.2.840.10008.1.2.2';
// dcmjs reports an error on stderr for every implicit-VR element whose dictionary VR depends on context
// (Pixel Data: OB or OW), and then resolves it as the standard says; not worth a line per instance.
dcmjsLog.getLogger('validation.dcmjs').setLevel('silent');

/**
 * Rewrites a native instance (implicit VR little endian, explicit VR big endian, deflated explicit
 * VR little endian) as Explicit VR Little Endian with dcmjs; an instance already in it comes back as
 * it is. Encapsulated (compressed) pixel data cannot be rewritten without decoding it.
 * @throws DicomParseError `unsupported` for encapsulated transfer syntaxes.
 */
export function transcodeToExplicitLittleEndian(bytes: Uint8Array): Uint8Array {
  const { transferSyntaxUid } = readDataSet(bytes);
  if (transferSyntaxUid === explicitVrLittleEndian) return bytes;
  if (pixelEncodingOf(transferSyntaxUid) !== 'native') {
    throw new DicomParseError(
      'unsupported',
      `transfer syntax ${transferSyntaxUid} holds compressed pixel data, which is not rewritten as Explicit VR Little Endian`,
    );
  }
  const copy = bytes.slice();
  const dict = dcmjsData.DicomMessage.readFile(copy.buffer);
  if (transferSyntaxUid === bigEndian) swapWords(dict.dict['7FE00010']);
  dict.meta['00020010'] = { vr: 'UI', Value: [explicitVrLittleEndian] };
  return new Uint8Array(dict.write());
}

/** dcmjs reads OW values as raw bytes: big-endian words must be turned around for a little-endian file. */
function swapWords(pixelData: { vr: string; Value?: unknown[] } | undefined): void {
  if (pixelData === undefined || pixelData.vr !== 'OW') return;
  for (const value of pixelData.Value ?? []) {
    if (value instanceof ArrayBuffer && value.byteLength % 2 === 0) Buffer.from(value).swap16();
  }
}
