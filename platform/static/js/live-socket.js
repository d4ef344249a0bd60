/* The live socket, shared by every page that updates itself (docs/live-protocol.md).

   GuidedCareLive.open({onopen, onframe, onreopen, ping}) opens /ws/live/, passes each parsed
   frame to onframe, sends a ping frame every `ping` milliseconds (30 s unless given), and after
   a drop reconnects with exponential back-off and full jitter: the wait before attempt n is a
   random time between 0.5 s and min(30 s, 1 s x 2^n). A server restart therefore does not bring
   every client back in the same second. A socket closed because the person is signed out or
   not allowed (4401, 4403) stays closed. onreopen runs after each reconnect (a page catches up
   on what it may have missed). Returns {send(frame)}: true when the frame went out.

   GuidedCareLive.nextDelay(attempt, random) is the waiting rule, exposed for tests. */
(function () {
  "use strict";
  var BASE = 1000;
  var CAP = 30000;
  var FLOOR = 500;
  var FINAL = [4401, 4403];

  function nextDelay(attempt, random) {
    var ceiling = Math.min(CAP, BASE * Math.pow(2, attempt));
    var draw = (random || Math.random)();
    return Math.max(FLOOR, Math.round(draw * ceiling));
  }

  function open(handlers) {
    var socket = null;
    var attempt = 0;
    var every = handlers.ping || 30000;

    function send(frame) {
      frame.v = 1;
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(frame));
        return true;
      }
      return false;
    }

    function connect(again) {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + "/ws/live/");
      socket.onopen = function () {
        attempt = 0;
        if (handlers.onopen) { handlers.onopen(); }
        if (again && handlers.onreopen) { handlers.onreopen(); }
      };
      socket.onmessage = function (message) {
        var frame;
        try { frame = JSON.parse(message.data); } catch (error) { return; }
        if (handlers.onframe) { handlers.onframe(frame); }
      };
      socket.onclose = function (event) {
        if (FINAL.indexOf(event.code) !== -1) { return; }
        var wait = nextDelay(attempt);
        attempt += 1;
        setTimeout(function () { connect(true); }, wait);
      };
    }

    setInterval(function () { send({ type: "ping" }); }, every);
    connect(false);
    return { send: send };
  }

  window.GuidedCareLive = { open: open, nextDelay: nextDelay };
})();
