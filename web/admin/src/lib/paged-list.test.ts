import { ApiError } from '@kilowatt/api/errors';
import { setErrorPresenter } from '@kilowatt/api/present';
import type { Page } from '@kilowatt/api/types';
import { afterEach, describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { usePagedList, type PagedListUi } from './paged-list';

const page = (items: string[], total = items.length): Page<string> => ({ items, total, page: 1, page_size: 20 });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('usePagedList', () => {
  afterEach(() => setErrorPresenter(null));

  it('loads the page the query names and shows loading meanwhile', async () => {
    const query = reactive({ q: '', page: 2, page_size: 20 });
    const asked: number[] = [];
    const answer = deferred<Page<string>>();
    const list = usePagedList(query, () => {
      asked.push(query.page);
      return answer.promise;
    });
    const done = list.load();
    expect(list.loading.value).toBe(true);
    answer.resolve(page(['a', 'b'], 42));
    await done;
    expect(asked).toEqual([2]);
    expect(list.items.value).toEqual(['a', 'b']);
    expect(list.total.value).toBe(42);
    expect(list.loading.value).toBe(false);
  });

  it('goes back to the first page on a new search', async () => {
    const query = reactive({ page: 5, page_size: 20 });
    const list = usePagedList(query, async () => page([`p${query.page}`]));
    await list.search();
    expect(query.page).toBe(1);
    expect(list.items.value).toEqual(['p1']);
  });

  it('keeps the newest search when an older answer comes last', async () => {
    const query = reactive({ q: '', page: 1, page_size: 20 });
    const answers = [deferred<Page<string>>(), deferred<Page<string>>()];
    let n = 0;
    const list = usePagedList(query, () => answers[n++].promise);
    const first = list.load();
    const second = list.search();
    answers[1].resolve(page(['new']));
    await second;
    answers[0].resolve(page(['old']));
    await first;
    expect(list.items.value).toEqual(['new']);
    expect(list.loading.value).toBe(false);
  });

  it('keeps the rows when the filters are invalid or the server refuses, showing the refusal once', async () => {
    const shown: string[] = [];
    setErrorPresenter({ show: (text) => shown.push(text), locale: () => 'en' });
    const query = reactive({ page: 1, page_size: 20 });
    let next: () => Promise<Page<string> | null> = async () => page(['a']);
    const list = usePagedList(query, () => next());
    await list.load();
    next = async () => null;
    await list.load();
    next = async () => Promise.reject(new ApiError(0, 'timeout', 'slow'));
    await list.load();
    expect(list.items.value).toEqual(['a']);
    expect(list.loading.value).toBe(false);
    expect(shown).toEqual(['The server did not answer in time']);
  });

  it('deletes after confirmation, says so and reloads; does nothing when cancelled', async () => {
    const events: string[] = [];
    let confirm = true;
    const ui: PagedListUi = {
      confirmDelete: async (name) => {
        events.push(`confirm ${name}`);
        if (!confirm) throw 'cancel';
      },
      deleted: () => events.push('deleted'),
    };
    const query = reactive({ page: 1, page_size: 20 });
    let rows = ['a', 'b'];
    const list = usePagedList(query, async () => page(rows), ui);
    await list.load();
    expect(await list.remove('a', async () => void (rows = ['b']))).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(list.items.value).toEqual(['b']);
    confirm = false;
    expect(await list.remove('b', async () => events.push('deleting b'))).toBe(false);
    expect(events).toEqual(['confirm a', 'deleted', 'confirm b']);
  });
});
