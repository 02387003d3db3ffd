import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
declare global {
  interface Window {
    BarcodeDetector?: { new (options: { formats: string[] }): Detector; getSupportedFormats?(): Promise<string[]> };
  }
}

/** The browser's own QR reader when it has one that reads QR codes. */
async function nativeDetector(): Promise<Detector | undefined> {
  const Native = window.BarcodeDetector;
  if (!Native) return undefined;
  const formats = (await Native.getSupportedFormats?.()) ?? ['qr_code'];
  return formats.includes('qr_code') ? new Native({ formats: ['qr_code'] }) : undefined;
}

/**
 * The back camera, reading QR codes until one is read: the browser's BarcodeDetector where it
 * has one (Chrome on Android), else ZXing on the same camera stream (Chromium on Linux, Safari,
 * Firefox), loaded only when a rider scans.
 */
export function QrScanner({ onText, onUnavailable }: { onText(text: string): void; onUnavailable(): void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<'starting' | 'scanning'>('starting');
  const report = useRef(onText);
  report.current = onText;
  const unavailable = useRef(onUnavailable);
  unavailable.current = onUnavailable;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    let stopZxing: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const found = (text: string) => {
      if (stopped) return;
      stopped = true;
      report.current(text);
    };
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped || !video.current) return;
        const element = video.current;
        element.srcObject = stream;
        await element.play();
        setState('scanning');
        const detector = await nativeDetector();
        if (detector) {
          const look = async () => {
            if (stopped) return;
            const codes = await detector.detect(element).catch(() => []);
            if (codes[0]) return found(codes[0].rawValue);
            timer = setTimeout(() => void look(), 200);
          };
          void look();
          return;
        }
        const { BrowserQRCodeReader } = await import('@zxing/browser');
        if (stopped) return;
        const controls = await new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 150 }).decodeFromStream(stream, element, (result) => {
          if (result) found(result.getText());
        });
        stopZxing = () => controls.stop();
        if (stopped) stopZxing();
      } catch {
        if (!stopped) unavailable.current();
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stopZxing?.();
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  return (
    <div className="qr-scanner">
      <video ref={video} muted playsInline aria-label={t('pickup.camera')} />
      <p role="status">{state === 'starting' ? t('pickup.cameraStarting') : t('pickup.scanning')}</p>
    </div>
  );
}
