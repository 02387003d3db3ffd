import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, data, idempotencyKey } from '../../api';
import { parsePickupCode } from './pickup-code';
import { QrScanner } from './qr-scanner';

/**
 * Picking up at the counter: the label's QR through the camera, or its code typed. The pickup is
 * sent at once rather than kept in the outbox: the rider stands at the shop and needs the
 * answer now — a wrong code is said on the spot, with the tries left, and changes nothing.
 */
export function PickupPanel({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [scanning, setScanning] = useState(false);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string>();
  const [working, setWorking] = useState(false);

  const pickUp = async (text: string) => {
    setProblem(undefined);
    const code = parsePickupCode(text);
    if (!code) return setProblem(t('pickup.notACode'));
    setWorking(true);
    try {
      await data(
        api.orders.POST('/orders/{orderId}/pickup', {
          params: { path: { orderId } },
          body: { pickupCode: code },
          headers: { 'idempotency-key': idempotencyKey() },
        }),
      );
      setTyped('');
      await client.invalidateQueries();
    } catch (err) {
      setProblem(pickupProblem(err, t));
    } finally {
      setWorking(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void pickUp(typed);
  };

  return (
    <section className="panel" aria-labelledby="pickup-title">
      <h2 id="pickup-title">{t('pickup.title')}</h2>
      {scanning ? (
        <>
          <QrScanner
            onText={(text) => {
              setScanning(false);
              void pickUp(text);
            }}
            onUnavailable={() => {
              setScanning(false);
              setProblem(t('pickup.noCamera'));
            }}
          />
          <button type="button" className="secondary" onClick={() => setScanning(false)}>
            {t('pickup.stopScanning')}
          </button>
        </>
      ) : (
        <button type="button" className="primary" disabled={working} onClick={() => setScanning(true)}>
          {t('pickup.scan')}
        </button>
      )}
      <form onSubmit={submit} className="pickup-type">
        <label>
          {t('pickup.code')}
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoCapitalize="characters" autoComplete="off" spellCheck={false} maxLength={12} />
        </label>
        <button type="submit" disabled={working || typed.trim() === ''}>
          {t('pickup.submit')}
        </button>
      </form>
      {working && <p role="status">{t('pickup.working')}</p>}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </section>
  );
}

function pickupProblem(err: unknown, t: TFunction): string {
  if (!(err instanceof ApiError)) return t('pickup.offline');
  switch (err.code) {
    case 'PICKUP_CODE_WRONG': {
      const triesLeft = err.details?.triesLeft;
      return typeof triesLeft === 'number' ? t('pickup.wrongTries', { count: triesLeft }) : t('pickup.wrong');
    }
    case 'PICKUP_CODE_LOCKED':
      return t('pickup.locked');
    case 'VALIDATION_FAILED':
      return t('pickup.notACode');
    case 'ORDER_NOT_READY':
      return t('pickup.notReady');
    default:
      return t('common.error', { message: `${err.message} (${err.code})` });
  }
}
