import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';

type Rider = Awaited<ReturnType<typeof listRiders>>['items'][number];

const listRiders = (offered: boolean) => data(api.dispatch.GET('/riders', { params: { query: offered ? { offered: 'true' } : {} } }));

/** The shop's riders with their vehicles, and riders other shops offered it, to approve. */
export function RidersSection() {
  const { t } = useTranslation();
  const riders = useQuery({ queryKey: ['riders'], queryFn: () => listRiders(false) });
  const offered = useQuery({ queryKey: ['riders', 'offered'], queryFn: () => listRiders(true) });

  return (
    <div className="stack">
      <h2>{t('shop.riders.title')}</h2>
      <ApiProblem error={riders.error} />
      {riders.isPending && <p role="status">{t('common.loading')}</p>}
      {riders.data && <RiderTable riders={riders.data.items} caption={t('shop.riders.caption')} />}

      <h2>{t('shop.riders.offeredTitle')}</h2>
      <p className="muted">{t('shop.riders.offeredNote')}</p>
      <ApiProblem error={offered.error} />
      {offered.data && offered.data.items.length === 0 && <p>{t('shop.riders.noneOffered')}</p>}
      {offered.data && offered.data.items.length > 0 && <RiderTable riders={offered.data.items} caption={t('shop.riders.offeredCaption')} approvable />}
    </div>
  );
}

function RiderTable({ riders, caption, approvable = false }: { riders: Rider[]; caption: string; approvable?: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const vehicleKinds: Record<Rider['vehicle']['kind'], string> = {
    bicycle: t('shop.riders.vehicle.bicycle'),
    'e-bike': t('shop.riders.vehicle.eBike'),
    scooter: t('shop.riders.vehicle.scooter'),
    car: t('shop.riders.vehicle.car'),
  };
  const availability: Record<Rider['availability'], string> = {
    on_shift: t('shop.riders.availability.onShift'),
    on_break: t('shop.riders.availability.onBreak'),
    off: t('shop.riders.availability.off'),
  };
  if (riders.length === 0) return <p>{t('shop.riders.none')}</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('shop.riders.name')}</th>
            <th scope="col">{t('shop.riders.phone')}</th>
            <th scope="col">{t('shop.riders.vehicleColumn')}</th>
            <th scope="col">{t('shop.riders.availabilityColumn')}</th>
            {approvable && <th scope="col">{t('shop.riders.approve')}</th>}
          </tr>
        </thead>
        <tbody>
          {riders.map((rider) => (
            <tr key={rider.riderId} data-rider-id={rider.riderId}>
              <th scope="row">{rider.name}</th>
              <td>{rider.phone ?? ''}</td>
              <td>
                {t('shop.riders.vehicleLine', {
                  kind: vehicleKinds[rider.vehicle.kind],
                  capacity: rider.vehicle.capacity,
                  kmh: rider.vehicle.speedProfile.kmh,
                })}
              </td>
              <td data-status={rider.availability}>
                <span className="badge">{availability[rider.availability]}</span>{' '}
                <span className="muted">{t('shop.riders.since', { time: format.dateTime(rider.availabilitySince) })}</span>
              </td>
              {approvable && (
                <td>
                  <ApproveButton rider={rider} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ApproveButton({ rider }: { rider: Rider }) {
  const { t } = useTranslation();
  const approve = useMutation({
    mutationFn: () =>
      data(
        api.dispatch.POST('/riders/{riderId}/approve', {
          params: { path: { riderId: rider.riderId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: {},
        }),
      ),
  });
  return (
    <>
      <button type="button" disabled={approve.isPending || approve.isSuccess} onClick={() => approve.mutate()}>
        {t('shop.riders.approveRider', { name: rider.name })}
      </button>
      <span role="status">{approve.isSuccess ? t('shop.riders.approved') : ''}</span>
      <ApiProblem error={approve.error} />
    </>
  );
}
