import { data as dcmjsData } from 'dcmjs';
import { describe, expect, test } from 'vitest';
import { createDxInstance } from './createDxInstance.js';
import { readDataSet } from './readDataSet.js';
import { rewriteElements } from './rewriteElements.js';
import { toDicomJson } from './toDicomJson.js';
import { valueAt } from './valueAt.js';

const bulk = { bulkDataUri: (path: string[]) => `bulk/${path.join('/')}` };

/** A small Part 10 file written by dcmjs from a naturalized dataset. */
function writeFile(dataset: Record<string, unknown>): Buffer {
  const { DicomDict, DicomMetaDictionary } = dcmjsData;
  const dict = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
      MediaStorageSOPInstanceUID: '1.2.3.4',
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      ImplementationClassUID: '1.2.3.5',
    }),
  );
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return Buffer.from(dict.write());
}

describe('toDicomJson', () => {
  test('numbers, strings, person names, sequences, inline and bulk binary values', () => {
    const large = new Uint8Array(2000).fill(7);
    const file = writeFile({
      SpecificCharacterSet: 'ISO_IR 192',
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
      SOPInstanceUID: '1.2.3.4',
      ImageType: ['ORIGINAL', 'PRIMARY'],
      PatientName: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' }],
      PixelSpacing: ['0.143', '0.143'],
      InstanceNumber: '7',
      Rows: 2,
      ReferencedImageSequence: [
        { ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.1', ReferencedSOPInstanceUID: '1.2.3.9' },
        { ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.1', ReferencedSOPInstanceUID: '1.2.3.10' },
      ],
      IconImageSequence: [{ Rows: 1, PixelData: large.buffer }],
      EncapsulatedDocument: new Uint8Array([1, 2, 3, 4]).buffer,
    });
    const read = readDataSet(file);
    const json = toDicomJson(read, bulk);
    expect(json['00080008']).toEqual({ vr: 'CS', Value: ['ORIGINAL', 'PRIMARY'] });
    expect(json['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' }] });
    expect(json['00280030']).toEqual({ vr: 'DS', Value: [0.143, 0.143] });
    expect(json['00200013']).toEqual({ vr: 'IS', Value: [7] });
    expect(json['00280010']).toEqual({ vr: 'US', Value: [2] });
    expect(json['00081140']?.Value).toEqual([
      { '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.1'] }, '00081155': { vr: 'UI', Value: ['1.2.3.9'] } },
      { '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.1'] }, '00081155': { vr: 'UI', Value: ['1.2.3.10'] } },
    ]);
    const icon = json['00880200']?.Value?.[0] as Record<string, { BulkDataURI?: string }>;
    expect(icon['7FE00010']?.BulkDataURI).toBe('bulk/00880200/0/7FE00010');
    expect(json['00020010']).toBeUndefined();
    expect(json['0000']).toBeUndefined();
    // The BulkDataURI's path leads back to the value.
    expect(Buffer.from(valueAt(read.dataSet, ['00880200', '0', '7FE00010']) ?? []).equals(Buffer.from(large))).toBe(
      true,
    );
    // Small binary values travel inline, base64.
    expect(json['00420011']).toEqual({ vr: 'OB', InlineBinary: Buffer.from([1, 2, 3, 4]).toString('base64') });
  });

  test('text without a declared character set is decoded as at intake (GB18030 guessed)', () => {
    const gb = createDxInstance({ patientName: '李^秀英', characterSet: 'GB18030', rows: 8, columns: 8 });
    // The modality forgot to say so: no Specific Character Set at all.
    const undeclared = rewriteElements(gb, ({ tag }) => (tag === 'x00080005' ? null : undefined));
    const json = toDicomJson(readDataSet(undeclared), bulk);
    expect(json['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: '李^秀英' }] });
    expect(json['00080005']).toBeUndefined();
  });

  test('implicit VR files get their VRs from the data dictionary', () => {
    const file = createDxInstance({ rows: 4, columns: 4 });
    const explicit = toDicomJson(readDataSet(file), bulk);
    // The same dataset as a bare implicit VR little endian stream (no Part 10 header).
    const { DicomMessage } = dcmjsData;
    const dict = DicomMessage.readFile(file.buffer.slice(file.byteOffset, file.byteOffset + file.length));
    dict.meta['00020010'] = { vr: 'UI', Value: ['1.2.840.10008.1.2'] };
    const implicit = toDicomJson(readDataSet(new Uint8Array(dict.write())), bulk);
    expect(implicit['00280010']).toEqual(explicit['00280010']);
    expect(implicit['00100010']).toEqual(explicit['00100010']);
    expect(implicit['00280030']).toEqual(explicit['00280030']);
    expect(implicit['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: 'bulk/7FE00010' });
  });
});
