import type { PickedFile } from './droppedFiles';
import { DICOMDIR_SOP_CLASS, readFileMeta } from './readFileMeta';

export interface SelectedFile {
  file: File;
  /** The path inside a chosen or dropped folder, or the file name. */
  name: string;
  sopInstanceUid: string | null;
  /** Why the file is not sent: a DICOMDIR index or a hidden system file from a folder. */
  skipped: 'dicomdir' | 'hidden' | null;
}

/** Reads each file's UIDs and sets aside what a DR folder carries besides images. */
export async function selectFiles(picked: readonly PickedFile[]): Promise<SelectedFile[]> {
  return Promise.all(
    picked.map(async ({ file, path }) => {
      const name = path || file.name;
      const base = file.name;
      const hiddenFolder = name.split('/').some((part) => part.startsWith('.'));
      if (hiddenFolder || base.toLowerCase() === 'thumbs.db' || base.toLowerCase() === 'desktop.ini') {
        return { file, name, sopInstanceUid: null, skipped: 'hidden' as const };
      }
      let meta = null;
      try {
        meta = await readFileMeta(file);
      } catch {
        // Unreadable here: send it anyway and let the server give the reason.
      }
      const dicomdir = base.toUpperCase() === 'DICOMDIR' || meta?.sopClassUid === DICOMDIR_SOP_CLASS;
      return {
        file,
        name,
        sopInstanceUid: meta?.sopInstanceUid ?? null,
        skipped: dicomdir ? ('dicomdir' as const) : null,
      };
    }),
  );
}
