// The state every paged table of the console repeats: the rows of the page shown, the total for
// the pager, a loading flag, reload/search and delete-with-confirmation. The view keeps its own
// filters in `query` (with page and page_size, which the pager binds) and says how to fetch a page.
import type { Page } from '@kilowatt/api/types';
import { ElMessage } from 'element-plus';
import { ref, type Ref } from 'vue';
import { i18n } from '../i18n';
import { confirmAction } from './confirm';
import { attempt } from './errors';

export interface PageQuery {
  page: number;
  page_size: number;
}

export interface PagedListUi {
  /** Resolves when the user confirms deleting `name`, rejects ('cancel') otherwise. */
  confirmDelete(name: string): Promise<unknown>;
  deleted(): void;
}

const elementUi: PagedListUi = {
  confirmDelete: (name) => confirmAction(i18n.global.t('common.confirmDelete', { name }), i18n.global.t('common.confirmTitle')),
  deleted: () => ElMessage.success(i18n.global.t('common.deleted')),
};

/**
 * `fetchPage` reads the filters and query.page/page_size; it answers null when the filters are
 * not valid (the view said why), which leaves the rows as they are.
 */
export function usePagedList<T>(query: PageQuery, fetchPage: () => Promise<Page<T> | null>, ui: PagedListUi = elementUi) {
  const items = ref([]) as Ref<T[]>;
  const total = ref(0);
  const loading = ref(false);
  // A slow answer to an older filter must not replace the rows of a newer one.
  let latest = 0;

  async function load(): Promise<void> {
    const mine = ++latest;
    loading.value = true;
    await attempt(async () => {
      const page = await fetchPage();
      if (page && mine === latest) {
        items.value = page.items;
        total.value = page.total;
      }
    });
    if (mine === latest) loading.value = false;
  }

  /** New filters: back to the first page. */
  function search(): Promise<void> {
    query.page = 1;
    return load();
  }

  /** Asks, deletes, says so and reloads; false when cancelled or refused. */
  function remove(name: string, del: () => Promise<unknown>): Promise<boolean> {
    return attempt(async () => {
      await ui.confirmDelete(name);
      await del();
      ui.deleted();
      void load();
    });
  }

  /** The pager moved to another page. */
  function goTo(page: number): Promise<void> {
    query.page = page;
    return load();
  }

  /** The pager changed its page size: back to the first page. */
  function resize(pageSize: number): Promise<void> {
    query.page_size = pageSize;
    return search();
  }

  return { query, items, total, loading, load, search, remove, goTo, resize };
}

/** What the pager under a table (components/ListPager.vue) uses of a paged list. */
export type PagedList = Pick<ReturnType<typeof usePagedList>, 'query' | 'total' | 'goTo' | 'resize'>;
