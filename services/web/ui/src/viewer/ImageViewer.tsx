import { type PointerEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Series, SeriesInstance } from '../api/types';
import { instanceThumbnailUrl, parseWindowHeader, renderedUrl, type ViewWindow } from './imageUrls';
import { Thumbnail } from './Thumbnail';
import { useAuthorizedImage } from './useAuthorizedImage';
import { dragWindow, type PresetKey, presetsFor } from './windowPresets';

interface Selected {
  series: Series;
  instance: SeriesInstance;
}

/** The reason an image cannot be shown, as a sentence in the interface language. */
export function useReasonText() {
  const { t } = useTranslation();
  return (code: string | null | undefined) =>
    t(`viewer.reason.${code ?? 'other'}`, { defaultValue: t('viewer.reason.other') });
}

/**
 * The radiologist's images: a thumbnail strip per series, the chosen image large (first the preview
 * stored at intake, so it paints at once), window presets and drag-to-window re-rendered on the
 * server, and full resolution on demand.
 */
export function ImageViewer({ studyInstanceUid, series }: { studyInstanceUid: string; series: Series[] }) {
  const { t } = useTranslation();
  const all = series.flatMap((s) => s.instances.map((instance) => ({ series: s, instance })));
  // The page re-reads the study every few seconds: keep the choice by UID and show the latest state.
  const [chosenUid, setChosenUid] = useState<string | null>(null);
  const selected: Selected | undefined = all.find((x) => x.instance.sopInstanceUid === chosenUid) ?? all[0];
  if (selected === undefined) return <p className="empty">{t('viewer.noImages')}</p>;
  return (
    <div className="viewer" data-testid="viewer">
      <div className="viewer-strip" data-testid="viewer-strip">
        {series.map((s) => (
          <div key={s.seriesInstanceUid} className="strip-series" data-testid="strip-series">
            <div className="strip-label">
              {t('viewer.series', { number: s.seriesNumber ?? '—' })} · {s.modality}
              {s.seriesDescription && <span className="sub"> {s.seriesDescription}</span>}
            </div>
            <div className="strip-thumbs">
              {s.instances.map((instance) => (
                <button
                  type="button"
                  key={instance.sopInstanceUid}
                  className={`strip-thumb${instance.sopInstanceUid === selected.instance.sopInstanceUid ? ' selected' : ''}`}
                  data-testid="strip-thumb"
                  data-sop-uid={instance.sopInstanceUid}
                  data-preview={instance.preview.status}
                  onClick={() => setChosenUid(instance.sopInstanceUid)}
                >
                  <Thumbnail
                    url={instanceThumbnailUrl({
                      studyInstanceUid,
                      seriesInstanceUid: s.seriesInstanceUid,
                      sopInstanceUid: instance.sopInstanceUid,
                    })}
                    alt={t('viewer.imageNumber', { number: instance.instanceNumber ?? '—' })}
                  />
                </button>
              ))}
            </div>
          </div>
        ))}
      </div>
      <MainImage key={selected.instance.sopInstanceUid} studyInstanceUid={studyInstanceUid} {...selected} />
    </div>
  );
}

function MainImage({ studyInstanceUid, series, instance }: Selected & { studyInstanceUid: string }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const presets = useMemo(() => presetsFor(series.modality), [series.modality]);
  const [preset, setPreset] = useState<PresetKey | null>('default');
  const [viewWindow, setViewWindow] = useState<ViewWindow | null>(null);
  const [full, setFull] = useState(false);
  const drag = useRef<{ x: number; y: number; start: ViewWindow } | null>(null);
  const ref = {
    studyInstanceUid,
    seriesInstanceUid: series.seriesInstanceUid,
    sopInstanceUid: instance.sopInstanceUid,
  };
  const failed = instance.preview.status === 'failed' ? instance.preview : null;
  const image = useAuthorizedImage(failed ? null : renderedUrl(ref, { window: viewWindow, full }));
  const fileWindow = useRef<ViewWindow | null>(null);
  const headerWindow = parseWindowHeader(image.headers?.get('Telerad-Default-Window') ?? null);
  if (headerWindow !== null) fileWindow.current = headerWindow;
  const shownWindow = viewWindow ?? fileWindow.current;

  // Keys for a reader who keeps a hand on the keyboard: 1–4 the window presets, F full resolution.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target !== null && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable);
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
      const chosen = presets[Number(event.key) - 1];
      if (chosen !== undefined) {
        setPreset(chosen.key);
        setViewWindow(chosen.window);
      } else if (event.key === 'f' || event.key === 'F') {
        setFull((f) => !f);
      } else {
        return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [presets]);

  if (failed) {
    return (
      <div className="viewer-main viewer-unrenderable" data-testid="viewer-unrenderable" data-reason={failed.reason}>
        <p>{t('viewer.unrenderable', { reason: reasonText(failed.reason) })}</p>
      </div>
    );
  }

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const start = viewWindow ?? fileWindow.current;
    if (start === null || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, start };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (d === null) return;
    setPreset(null);
    setViewWindow(dragWindow(d.start, event.clientX - d.x, event.clientY - d.y));
  };
  const endDrag = () => {
    drag.current = null;
  };

  return (
    <div className="viewer-main">
      <div className="viewer-tools">
        <span className="tool-label">{t('viewer.window')}</span>
        {presets.map((p, i) => (
          <button
            type="button"
            key={p.key}
            title={t('viewer.presetKey', { key: i + 1 })}
            className={`button button-small${preset === p.key ? ' button-primary' : ''}`}
            data-testid={`preset-${p.key}`}
            onClick={() => {
              setPreset(p.key);
              setViewWindow(p.window);
            }}
          >
            {t(`viewer.presets.${p.key}`)}
          </button>
        ))}
        <span className="window-values" data-testid="window-values">
          {shownWindow
            ? t('viewer.windowValues', { center: Math.round(shownWindow.center), width: Math.round(shownWindow.width) })
            : ''}
        </span>
        <button
          type="button"
          className="button button-small"
          title={t('viewer.fullKey')}
          data-testid="zoom-full"
          aria-pressed={full}
          onClick={() => setFull((f) => !f)}
        >
          {full ? t('viewer.fit') : t('viewer.fullResolution')}
        </button>
        {image.loading && <span className="muted">{t('viewer.rendering')}</span>}
      </div>
      <div
        className={`viewer-canvas${full ? ' viewer-full' : ''}`}
        data-testid="viewer-canvas"
        title={t('viewer.dragHint')}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
      >
        {image.src ? (
          <img
            src={image.src}
            alt={t('viewer.imageNumber', { number: instance.instanceNumber ?? '—' })}
            data-testid="viewer-image"
            data-window={viewWindow ? `${Math.round(viewWindow.center)},${Math.round(viewWindow.width)}` : 'default'}
            data-full={full ? 'true' : 'false'}
            draggable={false}
          />
        ) : image.error ? (
          <p className="viewer-error" data-testid="viewer-unrenderable" data-reason={image.error.code}>
            {t('viewer.unrenderable', { reason: reasonText(image.error.code) })}
          </p>
        ) : (
          <p className="muted">{t('viewer.loading')}</p>
        )}
      </div>
      <p className="sub no-print">{t('viewer.dragHint')}</p>
    </div>
  );
}
