import type { ReactNode } from 'react';
import { UploadContext, useUploadState } from './useUpload';

export function UploadProvider({ children }: { children: ReactNode }) {
  const upload = useUploadState();
  return <UploadContext.Provider value={upload}>{children}</UploadContext.Provider>;
}
