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

const approve = (shopId: string, clock = '10:00'): RiderCommand => ({ type: 'ApproveRiderForShop', riderId: 'rita', shopId, now: at(clock) });

describe('a rider not yet registered', () => {
  it('registers them off shift, riding for the owner shop only; the other shops named wait for their own approval', () => {
    spec
      .given([])
      .when({ ...register, shopIds: ['s2', 's1', 's2', 's3'] })
      .then([{ ...registered, data: { ...registered.data, shopIds: ['s1'], pendingShopIds: ['s2', 's3'] } }]);
  });

  it('registers a rider without a phone', () => {
    const { phone: _phone, ...withoutPhone } = register as Extract<RiderCommand, { type: 'RegisterRider' }>;
    const { phone: _registeredPhone, ...data } = (registered as Extract<RiderEvent, { type: 'RiderRegistered' }>).data;
    spec
      .given([])
      .when(withoutPhone)
      .then([{ type: 'RiderRegistered', data }]);
  });

  it('knows no such rider to update or to put on shift', () => {
    spec
      .given([])
      .when(update({ name: 'R' }))
      .thenRefuses('RIDER_NOT_FOUND', 'not_found');
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
    spec
      .given([registered])
      .when(update({ name: 'Rita Rider', vehicle: bicycle, shopIds: ['s1'] }))
      .then([]);
  });

  it('offers the rider to a shop the owner adds, rides for it only once it approves, and refuses dropping the owner', () => {
    spec
      .given([registered])
      .when(update({ shopIds: ['s3', 's1'] }))
      .then([{ type: 'RiderProfileUpdated', data: { ...ref, shopIds: ['s1'], pendingShopIds: ['s3'], updatedAt: at('09:00') } }]);
    spec
      .given([registered])
      .when(update({ shopIds: ['s3'] }))
      .thenRefuses('OWNER_SHOP_REQUIRED', 'invalid');
  });

  it('knows no offer for a shop that was not invited', () => {
    spec.given([registered]).when(approve('s2')).thenRefuses('RIDER_NOT_FOUND', 'not_found');
  });

  it('starts a shift, with the availability it leaves', () => {
    spec
      .given([registered])
      .when(availability('on_shift'))
      .then([changed('off', 'on_shift')]);
  });

  it('records nothing when the availability is already so', () => {
    spec.given([registered]).when(availability('off')).then([]);
    spec
      .given([registered, changed('off', 'on_shift')])
      .when(availability('on_shift', '09:00'))
      .then([]);
  });

  it('refuses a break to a rider who is off', () => {
    spec.given([registered]).when(availability('on_break')).thenRefuses('RIDER_NOT_ON_SHIFT', 'conflict');
  });
});

describe('a rider on shift', () => {
  const onShift = [registered, changed('off', 'on_shift')];

  it('goes on a break and back, and off', () => {
    spec
      .given(onShift)
      .when(availability('on_break', '10:00'))
      .then([changed('on_shift', 'on_break', '10:00')]);
    spec
      .given([...onShift, changed('on_shift', 'on_break', '10:00')])
      .when(availability('on_shift', '10:15'))
      .then([changed('on_break', 'on_shift', '10:15')]);
    spec
      .given(onShift)
      .when(availability('off', '16:00'))
      .then([changed('on_shift', 'off', '16:00')]);
  });

  it('remembers since when', () => {
    const state = [...onShift, changed('on_shift', 'on_break', '10:00')].reduce(riderDecider.evolve, riderDecider.initialState());
    expect(state).toMatchObject({ availability: 'on_break', availabilitySince: at('10:00') });
  });
});

describe('a rider offered to another shop', () => {
  const offered: RiderEvent = { ...registered, data: { ...registered.data, shopIds: ['s1'], pendingShopIds: ['s2', 's3'] } } as RiderEvent;
  const joined: RiderEvent = { type: 'RiderProfileUpdated', data: { ...ref, shopIds: ['s1', 's2'], pendingShopIds: ['s3'], updatedAt: at('10:00') } };

  it('is not yet among the shops they ride for', () => {
    expect([offered].reduce(riderDecider.evolve, riderDecider.initialState())).toMatchObject({ shopIds: ['s1'], pendingShopIds: ['s2', 's3'] });
  });

  it('rides for that shop once it approves', () => {
    spec.given([offered]).when(approve('s2')).then([joined]);
    expect([offered, joined].reduce(riderDecider.evolve, riderDecider.initialState())).toMatchObject({ shopIds: ['s1', 's2'], pendingShopIds: ['s3'] });
  });

  it('records nothing when the shop approves again, and the owner needs no approval', () => {
    spec.given([offered, joined]).when(approve('s2', '11:00')).then([]);
    spec.given([offered]).when(approve('s1')).then([]);
  });

  it('withdraws the offer, or drops a shop already joined, when the owner leaves it out', () => {
    spec
      .given([offered, joined])
      .when(update({ shopIds: ['s1', 's4'] }))
      .then([{ type: 'RiderProfileUpdated', data: { ...ref, shopIds: ['s1'], pendingShopIds: ['s4'], updatedAt: at('09:00') } }]);
    spec
      .given([offered, joined])
      .when(update({ shopIds: ['s1', 's3', 's2'] }))
      .then([]);
  });

  it('reads a registration from before approvals existed as an offer to the other shops', () => {
    const legacy: RiderEvent = { ...registered, data: { ...registered.data, shopIds: ['s1', 's2'] } } as RiderEvent;
    expect([legacy].reduce(riderDecider.evolve, riderDecider.initialState())).toMatchObject({ shopIds: ['s1'], pendingShopIds: ['s2'] });
    const legacyUpdate: RiderEvent = { type: 'RiderProfileUpdated', data: { ...ref, shopIds: ['s1', 's2', 's5'], updatedAt: at('09:00') } };
    expect([offered, joined, legacyUpdate].reduce(riderDecider.evolve, riderDecider.initialState())).toMatchObject({
      shopIds: ['s1', 's2'],
      pendingShopIds: ['s5'],
    });
  });
});

describe('what the decider emits', () => {
  it('validates against the published contracts', () => {
    const { decide, evolve, initialState } = riderDecider;
    const onShift = [registered, changed('off', 'on_shift')].reduce(evolve, initialState());
    const offer = decide(update({ shopIds: ['s1', 's4'], phone: '+31 6 0000 0000' }), onShift);
    const emitted = [
      ...decide({ ...register, shopIds: ['s2'] }, initialState()),
      ...offer,
      ...decide(approve('s4'), offer.reduce(evolve, onShift)),
      ...decide(availability('on_break', '11:00'), onShift),
    ];
    const contracts = { RiderRegistered: RiderRegisteredV1, RiderProfileUpdated: RiderProfileUpdatedV1, RiderAvailabilityChanged: RiderAvailabilityChangedV1 };
    expect(emitted.map((e) => e.type)).toEqual(['RiderRegistered', 'RiderProfileUpdated', 'RiderProfileUpdated', 'RiderAvailabilityChanged']);
    for (const event of emitted) expect(contracts[event.type].schema.safeParse(event.data).success).toBe(true);
  });
});
