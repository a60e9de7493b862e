import { expect } from 'chai';
import { StateBag, stateKey } from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';

describe('engine/state', () => {
  const name = stateKey<string>('name');
  const count = stateKey<number>('count');

  it('gets, puts, has and deletes typed values', () => {
    const bag = new StateBag();
    expect(bag.get(name)).to.equal(undefined);
    expect(bag.has(name)).to.equal(false);
    bag.put(name, 'web');
    bag.put(count, 3);
    expect(bag.get(name)).to.equal('web');
    expect(bag.require(count)).to.equal(3);
    expect(bag.delete(name)).to.equal(true);
    expect(bag.has(name)).to.equal(false);
    expect(bag.delete(name)).to.equal(false);
  });

  it('tells keys apart by identity, not by name', () => {
    const a = stateKey<string>('id');
    const b = stateKey<string>('id');
    const bag = new StateBag([[a, 'one']]);
    expect(bag.get(b)).to.equal(undefined);
  });

  it('shares values between the bag and its step views', () => {
    const bag = new StateBag();
    const view = bag.viewFor('create-vm');
    view.put(name, 'vm-1');
    expect(bag.get(name)).to.equal('vm-1');
    expect(bag.viewFor('other').require(name)).to.equal('vm-1');
  });

  it('names the key and the step when a required key is missing', () => {
    const view = new StateBag().viewFor('provision/connect');
    let caught: unknown;
    try {
      view.require(name);
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_STATE_MISSING')).to.equal(true);
    expect((caught as Error).message).to.equal(
      'step "provision/connect" requires state key "name", but no step has put it',
    );
    expect((caught as { details: unknown }).details).to.deep.equal({
      key: 'name',
      step: 'provision/connect',
    });
  });

  it('keeps undefined values distinct from missing ones', () => {
    const maybe = stateKey<string | undefined>('maybe');
    const bag = new StateBag([[maybe, undefined]]);
    expect(bag.has(maybe)).to.equal(true);
    expect(bag.require(maybe)).to.equal(undefined);
  });

  it('lists entries with their keys, including sensitivity', () => {
    const secret = stateKey<string>('password', { sensitive: true });
    const bag = new StateBag([[secret, 'hunter2']]);
    bag.put(name, 'x');
    expect(bag.entries().map((e) => [e.key.name, e.key.sensitive])).to.deep.equal([
      ['password', true],
      ['name', false],
    ]);
  });
});
