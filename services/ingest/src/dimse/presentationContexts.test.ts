import { describe, expect, test } from 'vitest';
import {
  answerPresentationContext,
  storageTransferSyntaxes,
  trimUid,
  verificationSopClass,
} from './presentationContexts.js';

const dx = '1.2.840.10008.5.1.4.1.1.1.1';
const implicitLe = '1.2.840.10008.1.2';
const explicitLe = '1.2.840.10008.1.2.1';
const jpegLs = '1.2.840.10008.1.2.4.80';

describe('answerPresentationContext', () => {
  test('takes the first proposed syntax it supports, as the sender ordered them', () => {
    expect(answerPresentationContext(dx, [jpegLs, explicitLe, implicitLe])).toEqual({
      accept: true,
      transferSyntaxUid: jpegLs,
    });
    expect(answerPresentationContext(dx, ['1.2.840.10008.1.2.4.201', explicitLe])).toEqual({
      accept: true,
      transferSyntaxUid: explicitLe,
    });
  });

  test('every listed storage syntax is accepted alone, UID padding ignored', () => {
    for (const uid of storageTransferSyntaxes.keys()) {
      expect(answerPresentationContext(dx, [`${uid}\0`])).toEqual({ accept: true, transferSyntaxUid: uid });
    }
  });

  test('C-ECHO takes an uncompressed syntax only', () => {
    expect(answerPresentationContext(verificationSopClass, [jpegLs, implicitLe])).toEqual({
      accept: true,
      transferSyntaxUid: implicitLe,
    });
    expect(answerPresentationContext(verificationSopClass, [jpegLs])).toEqual({
      accept: false,
      reason: 'transfer-syntaxes-not-supported',
    });
  });

  test('refuses SOP classes that are not image storage, and syntaxes it does not take', () => {
    // Basic Text SR, Study Root C-FIND
    for (const sopClass of ['1.2.840.10008.5.1.4.1.1.88.11', '1.2.840.10008.5.1.4.1.2.2.1']) {
      expect(answerPresentationContext(sopClass, [explicitLe])).toEqual({
        accept: false,
        reason: 'abstract-syntax-not-supported',
      });
    }
    expect(answerPresentationContext(dx, ['1.2.840.10008.1.2.4.100'])).toEqual({
      accept: false,
      reason: 'transfer-syntaxes-not-supported',
    });
  });
});

describe('trimUid', () => {
  test('drops NUL and space padding', () => {
    expect(trimUid('1.2.840.10008.1.2.1\0')).toBe('1.2.840.10008.1.2.1');
    expect(trimUid('1.2.3 ')).toBe('1.2.3');
  });

  test('a value dcmjs-dimse split at a backslash is joined back instead of throwing', () => {
    expect(trimUid(['1.2.3', '4.5\0'])).toBe('1.2.3\\4.5');
    expect(trimUid(undefined)).toBe('');
  });
});
