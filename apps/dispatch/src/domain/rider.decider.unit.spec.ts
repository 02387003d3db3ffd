import { type RiderAvailability, RiderAvailabilityChangedV1, RiderProfileUpdatedV1, RiderRegisteredV1 } from '@petalpost/contracts';
import { specFor } from '@petalpost/testing';
import { type RiderCommand, riderDecider, type RiderEvent, type RiderState } from './rider.decider';

const spec = specFor<RiderCommand, RiderEvent, RiderState>(riderDecider);

const at = (clock: string) => `2026-02-14T${clock}:00.000Z`;
const ref = { riderId: 'rita', shopId: 's1' };
const bicycle = { kind: 'bicycle' as const, capacity: 4 };

const register: RiderCommand = { type: 'RegisterRider', ...ref, name: 'Rita Rider', phone: '+31 6 1111 2222', vehicle: bicycle, now: at('07:00') };
const registered: RiderEvent = {
  type: 'RiderRegistered',
  data: { ...ref, shopIds: ['s1'], name: 'Rita Rider', phone: '+31 6 1111 2222', vehicle: bicycle, registeredAt: at('07:00') },
};
const availability = (to: RiderAvailability, clock = '08:00'): RiderCommand => ({
  type: 'ChangeAvailability',
  riderId: 'rita',
  availability: to,
  now: at(clock),
});
const changed = (from: RiderAvailability, to: RiderAvailability, clock = '08:00'): RiderEvent => ({
  type: 'RiderAvailabilityChanged',
  data: { ...ref, availability: to, previous: from, changedAt: at(clock) },
});
type UpdateRiderProfile = Extract<RiderCommand, { type: 'UpdateRiderProfile' }>;
const update = (changes: Omit<UpdateRiderProfile, 'type' | 'riderId' | 'now'>): RiderCommand => ({
  type: 'UpdateRiderProfile',
  riderId: 'rita',
  ...changes,
  now: at('09:00'),
});

describe('a rider not yet registered', () => {
  it('registers them off shift, riding for the owner shop first', () => {
    spec.given([]).when({ ...register, shopIds: ['s2', 's1', 's2'] }).then([{ ...registered, data: { ...registered.data, shopIds: ['s1', 's2'] } }]);
  });

  it('registers a rider without a phone', () => {
    const { phone: _phone, ...withoutPhone } = register as Extract<RiderCommand, { type: 'RegisterRider' }>;
    const { phone: _registeredPhone, ...data } = (registered as Extract<RiderEvent, { type: 'RiderRegistered' }>).data;
    spec.given([]).when(withoutPhone).then([{ type: 'RiderRegistered', data }]);
  });

  it('knows no such rider to update or to put on shift', () => {
    spec.given([]).when(update({ name: 'R' })).thenRefuses('RIDER_NOT_FOUND', 'not_found');
    spec.given([]).when(availability('on_shift')).thenRefuses('RIDER_NOT_FOUND', 'not_found');
  });
});

describe('a registered rider', () => {
  it('refuses registering them again, with the rider as they are', () => {
    const error = spec.given([registered]).when(register).thenRefuses('RIDER_ALREADY_REGISTERED', 'conflict');
    expect(error.details).toMatchObject({ state: { riderId: 'rita', availability: 'off' } });
  });

  it('records only the given fields that change', () => {
    spec
      .given([registered])
      .when(update({ name: 'Rita R.', phone: '+31 6 1111 2222', vehicle: { kind: 'e-bike', capacity: 6 } }))
      .then([{ type: 'RiderProfileUpdated', data: { ...ref, name: 'Rita R.', vehicle: { kind: 'e-bike', capacity: 6 }, updatedAt: at('09:00') } }]);
  });

  it('records nothing when nothing changes', () => {
    spec.given([registered]).when(update({ name: 'Rita Rider', vehicle: bicycle, shopIds: ['s1'] })).then([]);
  });

  it('keeps the owner shop first among the shops ridden for, and refuses dropping it', () => {
    spec
      .given([registered])
      .when(update({ shopIds: ['s3', 's1'] }))
      .then([{ type: 'RiderProfileUpdated', data: { ...ref, shopIds: ['s1', 's3'], updatedAt: at('09:00') } }]);
    spec.given([registered]).when(update({ shopIds: ['s3'] })).thenRefuses('OWNER_SHOP_REQUIRED', 'invalid');
  });

  it('starts a shift, with the availability it leaves', () => {
    spec.given([registered]).when(availability('on_shift')).then([changed('off', 'on_shift')]);
  });

  it('records nothing when the availability is already so', () => {
    spec.given([registered]).when(availability('off')).then([]);
    spec.given([registered, changed('off', 'on_shift')]).when(availability('on_shift', '09:00')).then([]);
  });

  it('refuses a break to a rider who is off', () => {
    spec.given([registered]).when(availability('on_break')).thenRefuses('RIDER_NOT_ON_SHIFT', 'conflict');
  });
});

describe('a rider on shift', () => {
  const onShift = [registered, changed('off', 'on_shift')];

  it('goes on a break and back, and off', () => {
    spec.given(onShift).when(availability('on_break', '10:00')).then([changed('on_shift', 'on_break', '10:00')]);
    spec.given([...onShift, changed('on_shift', 'on_break', '10:00')]).when(availability('on_shift', '10:15')).then([changed('on_break', 'on_shift', '10:15')]);
    spec.given(onShift).when(availability('off', '16:00')).then([changed('on_shift', 'off', '16:00')]);
  });

  it('remembers since when', () => {
    const state = [...onShift, changed('on_shift', 'on_break', '10:00')].reduce(riderDecider.evolve, riderDecider.initialState());
    expect(state).toMatchObject({ availability: 'on_break', availabilitySince: at('10:00') });
  });
});

describe('what the decider emits', () => {
  it('validates against the published contracts', () => {
    const history = [registered, changed('off', 'on_shift')];
    const emitted = [
      ...riderDecider.decide({ ...register, shopIds: ['s2'] }, riderDecider.initialState()),
      ...riderDecider.decide(update({ shopIds: ['s1', 's4'], phone: '+31 6 0000 0000' }), history.reduce(riderDecider.evolve, riderDecider.initialState())),
      ...riderDecider.decide(availability('on_break', '11:00'), history.reduce(riderDecider.evolve, riderDecider.initialState())),
    ];
    const contracts = { RiderRegistered: RiderRegisteredV1, RiderProfileUpdated: RiderProfileUpdatedV1, RiderAvailabilityChanged: RiderAvailabilityChangedV1 };
    expect(emitted.map((e) => e.type)).toEqual(['RiderRegistered', 'RiderProfileUpdated', 'RiderAvailabilityChanged']);
    for (const event of emitted) expect(contracts[event.type].schema.safeParse(event.data).success).toBe(true);
  });
});
