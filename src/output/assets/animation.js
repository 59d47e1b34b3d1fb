// Plays the recorded run: the sampled users on the left, the sector trust curve on the right.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trustsim-animation-data").textContent);
  var network = document.getElementById("trustsim-network");
  var curve = document.getElementById("trustsim-curve");
  var slider = document.getElementById("trustsim-day");
  var button = document.getElementById("trustsim-play");
  var dayLabel = document.getElementById("trustsim-day-label");
  var news = document.getElementById("trustsim-news");
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var levels = data.levels;
  var days = data.frames.length;
  var users = data.x.length;

  function code(day, user) {
    return ALPHABET.indexOf(data.frames[day].charAt(user));
  }

  // Hue from red (the low end of the run's trust range) through yellow and green to blue (its
  // high end): `level` is the position within that range, 0 to 1.
  function colour(level) {
    return "hsl(" + Math.round(210 * level) + ",75%,45%)";
  }
  var low = data.trust_range[0], high = data.trust_range[1];
  function trustOf(level) { return low + level * (high - low); }

  function drawNetwork(day) {
    var ctx = network.getContext("2d");
    var size = network.width, half = size / 2, scale = half - 14;
    var px = function (i) { return half + data.x[i] / 1000 * scale; };
    var py = function (i) { return half + data.y[i] / 1000 * scale; };
    ctx.clearRect(0, 0, size, size);
    ctx.strokeStyle = "rgba(120,120,120,0.18)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (var e = 0; e < data.edges.length; e += 2) {
      ctx.moveTo(px(data.edges[e]), py(data.edges[e]));
      ctx.lineTo(px(data.edges[e + 1]), py(data.edges[e + 1]));
    }
    ctx.stroke();
    for (var i = 0; i < users; i++) {
      var c = code(day, i), state = Math.floor(c / levels), level = (c % levels) / (levels - 1);
      var x = px(i), y = py(i), r = i === 0 ? 8 : 5;
      ctx.fillStyle = colour(level);
      ctx.strokeStyle = colour(level);
      ctx.lineWidth = 2;
      ctx.beginPath();
      if (data.held[i]) {
        ctx.rect(x - r, y - r, 2 * r, 2 * r);
      } else {
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
      if (state === 2) {
        ctx.stroke();
      } else {
        ctx.fill();
      }
      if (state === 1) {
        ctx.strokeStyle = "#000";
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
      if (state === 3) {
        ctx.strokeStyle = "#000";
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r);
        ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r);
        ctx.stroke();
      }
    }
  }

  function sampleMean(day) {
    var sum = 0;
    for (var i = 0; i < users; i++) { sum += trustOf((code(day, i) % levels) / (levels - 1)); }
    return sum / users;
  }
  var sample = [];
  for (var d = 0; d < days; d++) { sample.push(sampleMean(d)); }
  var lowest = Math.min(Math.min.apply(null, data.sector_trust), Math.min.apply(null, sample));
  var highest = Math.max(Math.max.apply(null, data.sector_trust), Math.max.apply(null, sample));
  var yMin = Math.max(0, Math.floor(lowest * 10 - 0.5) / 10), yMax = Math.min(1, Math.ceil(highest * 10 + 0.5) / 10);

  function drawCurve(day) {
    var ctx = curve.getContext("2d");
    var w = curve.width, h = curve.height, left = 48, right = 12, top = 14, bottom = 34;
    var x = function (d) { return left + (w - left - right) * d / Math.max(1, days - 1); };
    var y = function (v) { return top + (h - top - bottom) * (1 - (v - yMin) / (yMax - yMin)); };
    ctx.clearRect(0, 0, w, h);
    ctx.font = "12px sans-serif";
    ctx.fillStyle = "#444";
    ctx.strokeStyle = "#ddd";
    ctx.lineWidth = 1;
    for (var t = Math.round(yMin * 10); t <= Math.round(yMax * 10); t++) {
      ctx.beginPath(); ctx.moveTo(left, y(t / 10)); ctx.lineTo(w - right, y(t / 10)); ctx.stroke();
      ctx.fillText((t / 10).toFixed(1), 8, y(t / 10) + 4);
    }
    var step = days > 200 ? 60 : 20;
    for (var d = 0; d < days; d += step) { ctx.fillText(String(d), x(d) - 6, h - 18); }
    ctx.fillText("day", w / 2, h - 4);
    ctx.strokeStyle = "rgba(180,35,24,0.55)";
    data.failures.forEach(function (f) {
      ctx.beginPath(); ctx.moveTo(x(f[0]), top); ctx.lineTo(x(f[0]), h - bottom); ctx.stroke();
    });
    var line = function (values, colourName, dashed) {
      ctx.strokeStyle = colourName; ctx.lineWidth = 2; ctx.setLineDash(dashed ? [5, 4] : []);
      ctx.beginPath();
      values.forEach(function (v, d) { if (d === 0) { ctx.moveTo(x(d), y(v)); } else { ctx.lineTo(x(d), y(v)); } });
      ctx.stroke(); ctx.setLineDash([]);
    };
    line(data.sector_trust, "#2c7bb6", false);
    line(sample, "#e66101", true);
    ctx.strokeStyle = "#000"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(x(day), top); ctx.lineTo(x(day), h - bottom); ctx.stroke();
    ctx.fillStyle = "#2c7bb6";
    ctx.beginPath(); ctx.arc(x(day), y(data.sector_trust[day]), 4, 0, 2 * Math.PI); ctx.fill();
  }

  function describe(day) {
    var so_far = data.failures.filter(function (f) { return f[0] <= day; });
    if (so_far.length === 0) { return "No platform has failed yet."; }
    var last = so_far[so_far.length - 1];
    var how = { collapsed: "collapsed", ran_away: "ran away with its investors' money", wound_down: "was wound down by the regulator" };
    return "Platforms failed so far: " + so_far.length + ". Latest: day " + last[0] + ", platform " + last[1] +
      " (" + last[2] + ") " + (how[last[3]] || last[3]) + ".";
  }

  var day = 0, timer = null;
  function show(d) {
    day = d;
    slider.value = String(d);
    dayLabel.textContent = "day " + d + " of " + (days - 1) + ", sector trust " + data.sector_trust[d].toFixed(3);
    news.textContent = describe(d);
    drawNetwork(d);
    drawCurve(d);
  }
  function stop() { if (timer !== null) { clearInterval(timer); timer = null; } button.textContent = "Play"; }
  function play() {
    if (day >= days - 1) { show(0); }
    button.textContent = "Pause";
    timer = setInterval(function () { if (day >= days - 1) { stop(); } else { show(day + 1); } }, 80);
  }
  button.addEventListener("click", function () { if (timer === null) { play(); } else { stop(); } });
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  slider.max = String(days - 1);
  show(0);
  play();
})();
