/** A window in modality units (Hounsfield units for CT), as WADO-RS `window=center,width`. */
export interface ViewWindow {
  center: number;
  width: number;
}

interface InstanceRef {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

const e = encodeURIComponent;

/** The viewer's large image: fitted to 1024 px (what the render job stored) or full resolution. */
export function renderedUrl(ref: InstanceRef, options: { window?: ViewWindow | null; full?: boolean } = {}): string {
  const params = new URLSearchParams();
  if (!options.full) params.set('viewport', '1024,1024');
  if (options.window) params.set('window', `${Math.round(options.window.center)},${Math.round(options.window.width)}`);
  const qs = params.toString();
  return `/dicomweb/studies/${e(ref.studyInstanceUid)}/series/${e(ref.seriesInstanceUid)}/instances/${e(ref.sopInstanceUid)}/rendered${qs ? `?${qs}` : ''}`;
}

export function instanceThumbnailUrl(ref: InstanceRef): string {
  return `/dicomweb/studies/${e(ref.studyInstanceUid)}/series/${e(ref.seriesInstanceUid)}/instances/${e(ref.sopInstanceUid)}/thumbnail`;
}

export function studyThumbnailUrl(studyInstanceUid: string): string {
  return `/dicomweb/studies/${e(studyInstanceUid)}/thumbnail`;
}

/** `Telerad-Default-Window: center,width` from a rendering in the file's own window. */
export function parseWindowHeader(value: string | null): ViewWindow | null {
  const [center, width] = (value ?? '').split(',').map(Number);
  if (center === undefined || width === undefined || !Number.isFinite(center) || !Number.isFinite(width)) return null;
  return { center, width };
}
