import { mappingDraft, mappingFrom, newRef } from './mapping-draft';

describe('a connection’s field mapping in the editor', () => {
  it('comes back as it was saved', () => {
    const saved = {
      deliveryDate: [
        { from: 'order' as const, name: 'Delivery-Date' },
        { from: 'item' as const, name: '_ZapietId' },
      ],
      cardMessage: [{ from: 'note' as const }],
      dayFirst: false,
      defaultWindow: { from: '10:00', to: '17:00' },
    };
    expect(mappingFrom(mappingDraft(saved))).toEqual(saved);
  });

  it('leaves out a field without places, so the usual names apply again, and nameless places but the note', () => {
    const draft = mappingDraft(undefined);
    draft.refs.deliveryTime = [newRef('order', '  '), newRef('item', ' Slot ')];
    draft.refs.cardMessage = [newRef('note', 'ignored')];
    draft.windowFrom = '09:00';
    expect(mappingFrom(draft)).toEqual({ deliveryTime: [{ from: 'item', name: 'Slot' }], cardMessage: [{ from: 'note' }] });
  });
});
