// Runtime settings of the driver app; edit in place on the server (no rebuild needed).
// Every key is optional; see src/config.ts for the defaults.
window.KW_APP_CONFIG = {
  // tileUrl: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}',
  // tileSubdomains: ['1', '2', '3', '4'],
  // fallbackCenter: { lng: 121.4737, lat: 31.2304 },
  // minStartBalanceFen: 500,
}
