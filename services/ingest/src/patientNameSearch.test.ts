import { parsePersonName } from '@telerad/dicom';
import { describe, expect, test } from 'vitest';
import { patientNameSearch } from './patientNameSearch.js';

describe('patient name search forms', () => {
  test.each([
    ['Wang^XiaoDong=王^小东', ['wang', 'xiaodong', 'wangxiaodong', '王小东', 'wxd']],
    ['王^小东', ['王小东', 'wangxiaodong', 'wxd', 'wang', 'xiao', 'dong']],
    ['单^于飞', ['单于飞', 'shanyufei', 'syf']],
    ['Smith^John', ['smith', 'john', 'smithjohn']],
  ])('%s is found by %o', (value, expected) => {
    const tokens = patientNameSearch(parsePersonName(value)).split(' ');
    for (const t of expected) expect(tokens).toContain(t);
  });

  test('an empty name has no search forms', () => {
    expect(patientNameSearch(parsePersonName(''))).toBe('');
  });
});
