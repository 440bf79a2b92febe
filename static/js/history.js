// Charts on the history pages, drawn with Chart.js (served by us, from npm) from the
// json_script blocks the server rendered. Progressive enhancement: without Chart.js
// or JavaScript the data tables beside each canvas carry the same numbers.
(function () {
  "use strict";
  if (!window.Chart) {
    return;
  }
  var COLOURS = {
    HAPPY: "#e0a800", SAD: "#3b6fb6", ANGRY: "#c93c3c", CONFUSED: "#8e6bbf",
    DISGUSTED: "#5b8c3a", SURPRISED: "#e07b1a", CALM: "#1f9488", FEAR: "#5f6273"
  };

  function read(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var labels = read("emotion-labels");
  var emotions = Object.keys(labels);

  var builders = {
    "by-day": function (days) {
      return {
        type: "bar",
        data: {
          labels: days.map(function (day) { return day.date; }),
          datasets: emotions.map(function (emotion) {
            return {label: labels[emotion], backgroundColor: COLOURS[emotion],
                    data: days.map(function (day) { return day.counts[emotion]; })};
          })
        },
        options: {maintainAspectRatio: false,
                  scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}
      };
    },
    distribution: function (counts) {
      return {
        type: "doughnut",
        data: {labels: emotions.map(function (emotion) { return labels[emotion]; }),
               datasets: [{data: emotions.map(function (emotion) { return counts[emotion]; }),
                           backgroundColor: emotions.map(function (emotion) { return COLOURS[emotion]; })}]},
        options: {maintainAspectRatio: false}
      };
    },
    scores: function (rows) {
      return {
        type: "bar",
        data: {labels: rows.map(function (row) { return row.label; }),
               datasets: [{label: "Score (%)", data: rows.map(function (row) { return row.score; }),
                           backgroundColor: rows.map(function (row) { return COLOURS[row.emotion]; })}]},
        options: {indexAxis: "y", maintainAspectRatio: false, scales: {x: {min: 0, max: 100}},
                  plugins: {legend: {display: false}}}
      };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var config = builders[canvas.dataset.chart](read(canvas.dataset.source));
    config.options.animation = false;
    canvas.parentElement.hidden = false;  // the box stays hidden when no chart can be drawn
    new window.Chart(canvas, config);
    canvas.classList.add("is-drawn");
  });
})();
