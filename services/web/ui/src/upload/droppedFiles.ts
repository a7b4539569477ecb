/** A chosen file and its path inside the chosen or dropped folder (just its name when loose). */
export interface PickedFile {
  file: File;
  path: string;
}

/** From a file or folder picker: the folder picker gives each file its path in webkitRelativePath. */
export function pickedFromList(list: FileList | readonly File[]): PickedFile[] {
  return Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** The part of FileSystemEntry the walk needs (the real ones come from DataTransferItem.webkitGetAsEntry). */
export interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  /** "/folder/IMG0001.dcm" */
  fullPath: string;
}
interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: unknown) => void): void;
}
interface DirectoryEntryLike extends EntryLike {
  createReader(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (error: unknown) => void): void;
  };
}

/**
 * Everything a drop holds, folders walked to the bottom (a DR machine's export is a DICOMDIR with
 * DICOM/…/IMxxx files several levels deep). The entries must be taken from the DataTransfer during the
 * drop event itself; the walk can then run after it.
 */
export function entriesOfDrop(data: DataTransfer): { entries: EntryLike[]; loose: File[] } {
  const entries: EntryLike[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) {
      entries.push(entry);
    } else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  // No DataTransferItemList (very old browsers): the files, without folders.
  if (data.items.length === 0) loose.push(...Array.from(data.files));
  return { entries, loose };
}

export async function walkEntries(entries: readonly EntryLike[]): Promise<PickedFile[]> {
  const files: PickedFile[] = [];
  const visit = async (entry: EntryLike): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileEntryLike).file(resolve, reject));
      files.push({ file, path: entry.fullPath.replace(/^\//, '') || file.name });
    } else if (entry.isDirectory) {
      const reader = (entry as DirectoryEntryLike).createReader();
      // readEntries answers in batches (100 in Chromium) until it answers with none.
      for (;;) {
        const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await visit(child);
      }
    }
  };
  for (const entry of entries) await visit(entry);
  return files;
}
