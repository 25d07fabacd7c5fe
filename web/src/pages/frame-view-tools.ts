import type { VoiWindow } from '../api/studies';
import type { MessageKey } from '../i18n/zh-CN';

/** A window the viewer offers by name; `undefined` is the image's own (its first window, else its range). */
export interface WindowPreset {
  readonly key: keyof typeof WINDOW_PRESETS;
  readonly window: VoiWindow | undefined;
}

export const WINDOW_PRESETS = {
  default: 'viewer.presetDefault',
  full: 'viewer.presetFull',
  contrast: 'viewer.presetContrast',
  soft: 'viewer.presetSoftTissue',
  lung: 'viewer.presetLung',
  bone: 'viewer.presetBone',
  brain: 'viewer.presetBrain',
} as const satisfies Record<string, MessageKey>;

/**
 * The presets for an image: its own window, the whole range of its stored values and a narrower
 * one around the middle; for CT the usual Hounsfield windows too (values after the Modality LUT,
 * which is what the server's `window=` is applied to).
 */
export function windowPresets(modality: string, bitsAllocated: number | undefined): WindowPreset[] {
  const bits = bitsAllocated === 16 || bitsAllocated === 32 ? 16 : 8;
  const range = 2 ** bits;
  const presets: WindowPreset[] = [
    { key: 'default', window: undefined },
    { key: 'full', window: { center: range / 2, width: range } },
    { key: 'contrast', window: { center: range / 2, width: range / 4 } },
  ];
  if (modality === 'CT') {
    presets.push(
      { key: 'soft', window: { center: 40, width: 400 } },
      { key: 'lung', window: { center: -600, width: 1500 } },
      { key: 'bone', window: { center: 400, width: 1800 } },
      { key: 'brain', window: { center: 40, width: 80 } },
    );
  }
  return presets;
}

/** Fit to the panel, or a scale of the image's own size. */
export type Zoom = 'fit' | number;

const ZOOM_STEPS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8] as const;

/** The next step above the scale shown now (from fit: the scale the panel gives). */
export function zoomIn(zoom: Zoom, shownScale: number): Zoom {
  const now = zoom === 'fit' ? shownScale : zoom;
  return ZOOM_STEPS.find((step) => step > now + 1e-6) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1]!;
}

export function zoomOut(zoom: Zoom, shownScale: number): Zoom {
  const now = zoom === 'fit' ? shownScale : zoom;
  return [...ZOOM_STEPS].reverse().find((step) => step < now - 1e-6) ?? ZOOM_STEPS[0];
}
