import { useEffect, useRef, useState, type FormEvent, type PointerEvent } from 'react';
import { type FrameAddress, renderedFrame, type VoiWindow } from '../api/studies';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';
import { Field, Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';
import { WINDOW_PRESETS, windowPresets, zoomIn, zoomOut, type WindowPreset, type Zoom } from './frame-view-tools';

export interface ViewedInstance {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly instanceUid: string;
  readonly frames: number;
  readonly bitsAllocated: number | undefined;
  readonly modality: string;
}

interface Shown {
  readonly url: string;
  readonly frame: number;
  readonly window: VoiWindow | undefined;
}

interface Drag {
  readonly pointer: number;
  readonly x: number;
  readonly y: number;
  readonly start: VoiWindow;
  moved: boolean;
}

const windowText = (window: VoiWindow | undefined) => (window === undefined ? '' : `${window.center},${window.width}`);

/**
 * One instance's frames as the server renders them (WADO-RS `frames/{n}/rendered`, PNG), fetched
 * with the bearer token and shown from a blob: URL. Window/level is the server's: a preset, the
 * two inputs or a drag across the image (horizontal: width, vertical: center) ask for the frame
 * again with `window=center,width`. Zoom scales the image shown (its width attribute: the policy
 * refuses inline styles); the slider, the buttons and the mouse wheel move through the frames.
 */
export function FrameView({ instance }: { instance: ViewedInstance }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [frame, setFrame] = useState(1);
  const [voi, setVoi] = useState<VoiWindow | undefined>(undefined);
  const [draft, setDraft] = useState({ center: '', width: '' });
  const [preset, setPreset] = useState<string>('default');
  const [zoom, setZoom] = useState<Zoom>('fit');
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [natural, setNatural] = useState<{ width: number; height: number } | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [status, setStatus] = useState<Notice>(undefined);
  const image = useRef<HTMLImageElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | undefined>(undefined);
  const presets = windowPresets(instance.modality, instance.bitsAllocated);
  const fullRange = presets.find((item) => item.key === 'full')?.window ?? { center: 128, width: 256 };

  useEffect(() => {
    const controller = new AbortController();
    const at: FrameAddress = { studyUid: instance.studyUid, seriesUid: instance.seriesUid, instanceUid: instance.instanceUid, frame };
    setLoading(true);
    renderedFrame(at, voi, token, controller.signal)
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        setShown((before) => {
          if (before !== undefined) URL.revokeObjectURL(before.url);
          return { url, frame, window: voi };
        });
        setStatus(undefined);
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        setStatus({ error: caught });
        setLoading(false);
      });
    return () => controller.abort();
  }, [instance, frame, voi, token]);

  // The last image's URL is let go with the view.
  const shownUrl = useRef<string | undefined>(undefined);
  shownUrl.current = shown?.url;
  useEffect(() => () => {
    if (shownUrl.current !== undefined) URL.revokeObjectURL(shownUrl.current);
  }, []);

  // The wheel moves through the frames; React's own wheel listener is passive, so it could not keep the page from scrolling.
  useEffect(() => {
    const element = stage.current;
    if (element === null || instance.frames < 2) return;
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY === 0 || event.ctrlKey) return;
      event.preventDefault();
      setFrame((current) => Math.min(instance.frames, Math.max(1, current + (event.deltaY > 0 ? 1 : -1))));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [instance.frames]);

  const apply = (next: VoiWindow | undefined, presetKey: string) => {
    setVoi(next);
    setPreset(presetKey);
    setDraft(next === undefined ? { center: '', width: '' } : { center: String(next.center), width: String(next.width) });
  };
  const choosePreset = (key: string) => {
    const chosen: WindowPreset | undefined = presets.find((item) => item.key === key);
    if (chosen !== undefined) apply(chosen.window, chosen.key);
  };
  const submitWindow = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const center = Number(draft.center);
    const width = Number(draft.width);
    if (draft.center.trim() === '' || !Number.isFinite(center) || !Number.isFinite(width) || width < 1) {
      setStatus({ problem: 'viewer.badWindow' });
      return;
    }
    apply({ center, width }, 'custom');
  };

  // A drag across the image: the window follows the pointer on screen and is asked for when the button is let go.
  const onPointerDown = (event: PointerEvent<HTMLImageElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { pointer: event.pointerId, x: event.clientX, y: event.clientY, start: voi ?? fullRange, moved: false };
  };
  const dragged = (event: PointerEvent<HTMLImageElement>): VoiWindow | undefined => {
    const state = drag.current;
    if (state === undefined || state.pointer !== event.pointerId) return undefined;
    const step = Math.max(fullRange.width / 256, 1 / 8);
    const dx = event.clientX - state.x;
    const dy = event.clientY - state.y;
    if (Math.abs(dx) + Math.abs(dy) >= 3) state.moved = true;
    return { center: Math.round(state.start.center + dy * step), width: Math.max(1, Math.round(state.start.width + dx * step)) };
  };
  const onPointerMove = (event: PointerEvent<HTMLImageElement>) => {
    const next = dragged(event);
    if (next !== undefined && drag.current?.moved === true) setDraft({ center: String(next.center), width: String(next.width) });
  };
  const onPointerUp = (event: PointerEvent<HTMLImageElement>) => {
    const next = dragged(event);
    const moved = drag.current?.moved === true;
    drag.current = undefined;
    if (next !== undefined && moved) apply(next, 'custom');
  };

  const shownScale = () => (image.current === null || natural === undefined ? 1 : image.current.clientWidth / natural.width);
  const zoomLabel = zoom === 'fit' ? t('viewer.zoomFit') : `${Math.round(zoom * 100)}%`;
  const multiFrame = instance.frames > 1;
  const presetLabel = (key: MessageKey) => t(key);

  return (
    <div className="frame-view">
      <div className="viewer-tools" role="toolbar" aria-label={t('viewer.tools')}>
        <div className="field">
          <label htmlFor="window-preset">{t('viewer.windowPreset')}</label>
          <select id="window-preset" data-testid="window-preset" value={preset} onChange={(event) => choosePreset(event.target.value)}>
            {presets.map((item) => (
              <option key={item.key} value={item.key}>
                {presetLabel(WINDOW_PRESETS[item.key])}
                {item.window === undefined ? '' : ` (${item.window.center} / ${item.window.width})`}
              </option>
            ))}
            {preset === 'custom' && <option value="custom">{t('viewer.windowCustom')}</option>}
          </select>
        </div>
        <form className="window-form" data-testid="window-form" onSubmit={submitWindow}>
          <Field label={t('viewer.windowCenter')} name="center" inputMode="decimal" value={draft.center} onChange={(event) => setDraft({ ...draft, center: event.target.value })} />
          <Field label={t('viewer.windowWidth')} name="width" inputMode="decimal" value={draft.width} onChange={(event) => setDraft({ ...draft, width: event.target.value })} />
          <button type="submit" className="secondary">{t('viewer.windowApply')}</button>
        </form>
        <div className="zoom-tools" role="group" aria-label={t('viewer.zoom')}>
          <button type="button" className="secondary" aria-label={t('viewer.zoomOut')} data-testid="zoom-out" onClick={() => setZoom(zoomOut(zoom, shownScale()))}>−</button>
          <output data-testid="zoom-level">{zoomLabel}</output>
          <button type="button" className="secondary" aria-label={t('viewer.zoomIn')} data-testid="zoom-in" onClick={() => setZoom(zoomIn(zoom, shownScale()))}>+</button>
          <button type="button" className="secondary" onClick={() => setZoom('fit')}>{t('viewer.zoomFit')}</button>
          <button type="button" className="secondary" onClick={() => setZoom(1)}>100%</button>
        </div>
      </div>
      {multiFrame && (
        <div className="frame-tools" role="group" aria-label={t('viewer.frames')}>
          <button type="button" className="secondary" data-testid="frame-previous" disabled={frame <= 1} onClick={() => setFrame(frame - 1)}>{t('viewer.framePrevious')}</button>
          <input type="range" aria-label={t('viewer.frame')} data-testid="frame-slider" min={1} max={instance.frames} step={1} value={frame} onChange={(event) => setFrame(Number(event.target.value))} />
          <button type="button" className="secondary" data-testid="frame-next" disabled={frame >= instance.frames} onClick={() => setFrame(frame + 1)}>{t('viewer.frameNext')}</button>
          <output data-testid="frame-number">{t('viewer.frameOf', { frame, frames: instance.frames })}</output>
        </div>
      )}
      <Status notice={status} />
      <div ref={stage} className={zoom === 'fit' ? 'viewer-stage fit' : 'viewer-stage'} data-testid="viewer-stage" aria-busy={loading}>
        {shown !== undefined && (
          <img
            ref={image}
            src={shown.url}
            alt={t('viewer.imageAlt', { frame: shown.frame, frames: instance.frames })}
            data-testid="viewer-image"
            data-frame={shown.frame}
            data-window={windowText(shown.window)}
            draggable={false}
            width={zoom === 'fit' || natural === undefined ? undefined : Math.round(natural.width * zoom)}
            onLoad={(event) => setNatural({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => (drag.current = undefined)}
          />
        )}
        {loading && <p className="viewer-loading">{t('common.loading')}</p>}
      </div>
      <p className="hint">{multiFrame ? t('viewer.dragHintFrames') : t('viewer.dragHint')}</p>
    </div>
  );
}
