import { expect, test } from 'vitest';
import { type EntryLike, walkEntries } from './droppedFiles';

function fileEntry(fullPath: string): EntryLike {
  const name = fullPath.split('/').pop() ?? '';
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (ok: (f: File) => void) => setTimeout(() => ok(new File([fullPath], name)), 0),
  } as EntryLike;
}

/** A folder whose reader answers in batches of `batch`, then with an empty batch, as Chromium does. */
function dirEntry(fullPath: string, children: EntryLike[], batch = 2): EntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop() ?? '',
    fullPath,
    createReader() {
      let at = 0;
      return {
        readEntries(ok: (entries: EntryLike[]) => void) {
          const next = children.slice(at, at + batch);
          at += batch;
          setTimeout(() => ok(next), 0);
        },
      };
    },
  } as EntryLike;
}

test('a dropped DICOMDIR export is walked to the bottom, batch after batch, with its paths', async () => {
  const images = Array.from({ length: 5 }, (_, i) => fileEntry(`/CD/DICOM/ST000/SE000/IM${i}`));
  const tree = dirEntry('/CD', [
    fileEntry('/CD/DICOMDIR'),
    dirEntry('/CD/DICOM', [dirEntry('/CD/DICOM/ST000', [dirEntry('/CD/DICOM/ST000/SE000', images)])]),
  ]);
  const files = await walkEntries([tree, fileEntry('/loose.dcm')]);
  expect(files.map((f) => f.path)).toEqual(['CD/DICOMDIR', ...images.map((e) => e.fullPath.slice(1)), 'loose.dcm']);
  expect(files[0]?.file.name).toBe('DICOMDIR');
});
