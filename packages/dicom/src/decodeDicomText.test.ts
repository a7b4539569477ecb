import iconv from 'iconv-lite';
import { describe, expect, test } from 'vitest';
import { parseCharsetTerms } from './characterSets.js';
import { chooseCharacterSet } from './chooseCharacterSet.js';
import { decodeDicomText } from './decodeDicomText.js';

const bytes = (...parts: Array<string | Buffer>) =>
  new Uint8Array(Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part))));

describe('decodeDicomText', () => {
  test.each([
    ['ISO_IR 192', Buffer.from('Wang^XiaoDong=王^小东', 'utf8'), 'Wang^XiaoDong=王^小东'],
    ['GB18030', iconv.encode('Wang^XiaoDong=王^小东', 'gb18030'), 'Wang^XiaoDong=王^小东'],
    ['GBK', iconv.encode('王^小东', 'gbk'), '王^小东'],
    ['ISO_IR 100', iconv.encode('Müller^Jürgen', 'latin1'), 'Müller^Jürgen'],
    ['ISO_IR 101', iconv.encode('Dvořák^Antonín', 'iso-8859-2'), 'Dvořák^Antonín'],
    ['ISO_IR 144', iconv.encode('Иванов^Иван', 'iso-8859-5'), 'Иванов^Иван'],
    ['', Buffer.from('Wang^XiaoDong', 'latin1'), 'Wang^XiaoDong'],
  ])('%s', (charset, encoded, expected) => {
    expect(decodeDicomText(new Uint8Array(encoded), parseCharsetTerms(charset))).toBe(expected);
  });

  test('ISO 2022 IR 58 (PS3.5 Annex K): GB 2312 after ESC $ ) A', () => {
    const value = bytes(
      'Zhang^XiaoDong=\x1b$)A',
      iconv.encode('张^', 'gb2312'),
      '\x1b$)A',
      iconv.encode('小东', 'gb2312'),
      '=',
    );
    expect(decodeDicomText(value, parseCharsetTerms('\\ISO 2022 IR 58'))).toBe('Zhang^XiaoDong=张^小东=');
  });

  test('ISO 2022 IR 87 (PS3.5 Annex H): 7-bit JIS X 0208 between ESC $ B and ESC ( B', () => {
    // The standard's example: each run of kanji or kana is 7-bit JIS X 0208, i.e. EUC-JP without high bits.
    const jis = (text: string) => {
      const euc = iconv.encode(text, 'euc-jp');
      return Buffer.from(euc.map((byte) => byte & 0x7f));
    };
    const value = bytes(
      'Yamada^Tarou=\x1b$B',
      jis('山田'),
      '\x1b(B^\x1b$B',
      jis('太郎'),
      '\x1b(B=\x1b$B',
      jis('やまだ'),
      '\x1b(B^\x1b$B',
      jis('たろう'),
      '\x1b(B',
    );
    expect(decodeDicomText(value, parseCharsetTerms('\\ISO 2022 IR 87'))).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  const korean = (text: string) => iconv.encode(text, 'euc-kr');

  test('ISO 2022 IR 149 (PS3.5 Annex I): KS X 1001 after ESC $ ) C, repeated after each delimiter', () => {
    const value = bytes(
      'Hong^Gildong=\x1b$)C',
      korean('洪'),
      '^\x1b$)C',
      korean('吉洞'),
      '=\x1b$)C',
      korean('홍'),
      '^\x1b$)C',
      korean('길동'),
    );
    expect(decodeDicomText(value, parseCharsetTerms('\\ISO 2022 IR 149'))).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  test('a sender that does not repeat the escape after a delimiter keeps its G1 set', () => {
    const value = bytes('Hong^Gildong=\x1b$)C', korean('洪^吉洞'), '=', korean('홍^길동'));
    expect(decodeDicomText(value, parseCharsetTerms('\\ISO 2022 IR 149'))).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  test('after a delimiter the initial G1 set of value 1 is back in force', () => {
    const value = bytes('\x1b$)C', korean('洪'), '^', iconv.encode('é', 'latin1'));
    expect(decodeDicomText(value, parseCharsetTerms('ISO 2022 IR 100\\ISO 2022 IR 149'))).toBe('洪^é');
  });

  test('GB18030 trail bytes equal to backslash do not split the value', () => {
    // 乗 is 0x81 0x5C in GBK/GB18030: the second byte is the ASCII backslash.
    const value = iconv.encode('乗', 'gb18030');
    expect(value[1]).toBe(0x5c);
    expect(decodeDicomText(new Uint8Array(value), ['GB18030'])).toBe('乗');
  });
});

describe('parseCharsetTerms', () => {
  test.each([
    ['', []],
    ['ISO_IR 192', ['ISO_IR 192']],
    ['ISO_IR100', ['ISO_IR 100']],
    ['iso-ir 100', ['ISO_IR 100']],
    ['GB2312', ['GBK']],
    ['UTF-8', ['ISO_IR 192']],
    ['\\ISO 2022 IR 58', ['', 'ISO 2022 IR 58']],
    ['ISO 2022 IR 6\\ISO 2022 IR 87', ['ISO 2022 IR 6', 'ISO 2022 IR 87']],
  ])('%j → %j', (value, terms) => {
    expect(parseCharsetTerms(value)).toEqual(terms);
  });
});

describe('chooseCharacterSet', () => {
  const gbk = new Uint8Array(iconv.encode('王^小东', 'gbk'));
  const utf8 = new Uint8Array(Buffer.from('王^小东', 'utf8'));
  const latin1 = new Uint8Array(iconv.encode('Müller^Jürgen', 'latin1'));

  test.each([
    ['a declared UTF-8 file is trusted', ['ISO_IR 192'], [utf8], undefined, ['ISO_IR 192'], false],
    ['a declared GB18030 file is trusted', ['GB18030'], [gbk], 'ISO_IR 192', ['GB18030'], false],
    ['undeclared GBK with a clinic default', [], [gbk], 'GB18030', ['GB18030'], true],
    ['undeclared GBK without a default', [], [gbk], undefined, ['GB18030'], true],
    ['ISO_IR 100 with GBK bytes', ['ISO_IR 100'], [gbk], undefined, ['GB18030'], true],
    ['ISO_IR 100 with UTF-8 bytes', ['ISO_IR 100'], [utf8], undefined, ['ISO_IR 192'], true],
    ['ISO_IR 100 with Latin-1 bytes', ['ISO_IR 100'], [latin1], undefined, ['ISO_IR 100'], false],
    ['a clinic default that does not fit is passed over', [], [utf8], 'GB18030', ['ISO_IR 192'], true],
    ['GBK bytes declared as UTF-8', ['ISO_IR 192'], [gbk], undefined, ['GB18030'], true],
    [
      'multi-valued ISO 2022 declarations are trusted',
      ['', 'ISO 2022 IR 58'],
      [gbk],
      undefined,
      ['', 'ISO 2022 IR 58'],
      false,
    ],
    [
      'undeclared bytes that fit nothing fall back to Latin-1',
      [],
      [new Uint8Array([0x81])],
      undefined,
      ['ISO_IR 100'],
      true,
    ],
  ] as const)('%s', (_case, declared, values, defaultCharset, terms, guessed) => {
    expect(chooseCharacterSet(declared, values, defaultCharset)).toEqual({ terms, guessed });
  });

  test('an unknown clinic default is a configuration error', () => {
    expect(() => chooseCharacterSet([], [gbk], 'KLINGON')).toThrow("unsupported default character set 'KLINGON'");
  });
});
