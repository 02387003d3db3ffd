import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data } from '../api';
import { useShiftPositions } from '../positions/positions';
import { useSession } from '../session';
import { useOnline } from './network';

export type Availability = 'on_shift' | 'on_break' | 'off';
const STATES: Availability[] = ['on_shift', 'on_break', 'off'];

/** The rider as dispatch knows them (their shift state among it); the rider's id is their person id. */
export function useRider() {
  const session = useSession();
  const riderId = session?.personId ?? '';
  return useQuery({
    queryKey: ['rider', riderId],
    enabled: Boolean(riderId),
    queryFn: () => data(api.dispatch.GET('/riders/{riderId}', { params: { path: { riderId } } })),
  });
}

/**
 * On shift, on a break, off: one tap each, the current one marked. The phone's position is
 * reported while on shift (useShiftPositions). Changing it needs the network: dispatch plans with
 * it at once.
 */
export function ShiftControl() {
  const { t } = useTranslation();
  const online = useOnline();
  const client = useQueryClient();
  const rider = useRider();
  const availability = rider.data?.availability;
  useShiftPositions(availability);
  const change = useMutation({
    mutationFn: (next: Availability) => data(api.dispatch.PUT('/riders/me/availability', { body: { availability: next } })),
    onSuccess: (answer) => {
      client.setQueryData(['rider', answer.riderId], answer);
      void client.invalidateQueries({ queryKey: ['rider'] });
    },
  });
  // Offline the rider's state cannot be read: the header says offline, no need to say it twice.
  const problem = (online ? rider.error : undefined) ?? change.error;
  const notRider = problem instanceof ApiError && problem.status === 404;

  return (
    <div className="shift" role="group" aria-labelledby="shift-label" data-shift={availability ?? 'unknown'}>
      <span id="shift-label" className="visually-hidden">
        {t('common.shift.label')}
      </span>
      <div className="shift-buttons">
        {STATES.map((state) => (
          <button
            key={state}
            type="button"
            className={`shift-${state}`}
            aria-pressed={availability === state}
            disabled={!online || !rider.data || change.isPending}
            onClick={() => change.mutate(state)}
          >
            {t(`common.shift.${state}`)}
          </button>
        ))}
      </div>
      {!online && rider.data && <p className="hint">{t('common.shift.needsNetwork')}</p>}
      {problem && (
        <p role="alert" className="problem">
          {notRider
            ? t('common.shift.notRegistered')
            : t('common.error', { message: problem instanceof ApiError ? `${problem.message} (${problem.code})` : String((problem as Error).message) })}
        </p>
      )}
    </div>
  );
}
