import { onUnauthorized } from '@kilowatt/api/http';
import { ElMessage } from 'element-plus';
// <el-*> components come per page with their CSS (unplugin-vue-components, vite.config.ts); the
// message and message box are called from scripts, so their styles are imported here.
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { installErrorPresenter } from './lib/errors';
import * as icons from './icons';
import { router } from './router';
import { useAuthStore } from './stores/auth';
import './styles/main.css';

installErrorPresenter(); // failed requests are shown once, by the client, in the user's language
const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router);
for (const [name, component] of Object.entries(icons)) app.component(name, component);

// The one reaction to a token the server no longer accepts (called once however many requests
// were waiting): forget the session and go to the login page, coming back here afterwards.
onUnauthorized(() => {
  const auth = useAuthStore(pinia);
  auth.clear();
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    ElMessage({ type: 'warning', message: i18n.global.t('login.expired'), grouping: true });
    router.replace({ name: 'login', query: { redirect: current.fullPath } });
  }
});

app.mount('#app');
