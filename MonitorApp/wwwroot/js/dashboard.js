// Dashboard behaviour: charts drawn from the data their card carries, and the "refresh failed" banner.
// No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
    'use strict';

    function cssColor(name) {
        return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    }

    function percent(fraction) {
        return (fraction * 100).toFixed(2).replace(/\.?0+$/, '') + ' %';
    }

    var weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

    // A day of hours is labelled by the hour; longer ranges by day and hour (all UTC, as the server writes them).
    function hourLabel(iso, long) {
        if (!long) return iso.substring(11, 16);
        return weekdays[new Date(iso).getUTCDay()] + ' ' + iso.substring(8, 10) + ' ' + iso.substring(11, 16);
    }

    function qualityChart(canvas, data) {
        var levels = Object.keys(data.connection_quality_distribution);
        var colors = { excellent: cssColor('--ok'), good: cssColor('--good'), fair: cssColor('--warn'), poor: cssColor('--bad') };
        return new Chart(canvas, {
            type: 'doughnut',
            data: {
                labels: levels.map(function (l) { return l.charAt(0).toUpperCase() + l.slice(1); }),
                datasets: [{
                    data: levels.map(function (l) { return data.connection_quality_distribution[l]; }),
                    backgroundColor: levels.map(function (l) { return colors[l]; }),
                    borderColor: cssColor('--card'),
                }],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                plugins: {
                    legend: { position: 'bottom', labels: { color: cssColor('--fg') } },
                    tooltip: {
                        callbacks: {
                            label: function (item) {
                                var level = levels[item.dataIndex];
                                return item.label + ': ' + item.parsed.toFixed(1) + ' % (' + data.connection_quality_counts[level] + ' sessions)';
                            },
                        },
                    },
                },
            },
        });
    }

    function errorRateChart(canvas, data) {
        var points = data.points;
        var t = data.thresholds;
        var rates = points.map(function (p) { return p.error_rate === null ? null : p.error_rate * 100; });
        // Each point carries its level, judged on the server by the same rule as system health.
        var marked = points.map(function (p) { return p.level === 'degraded' || p.level === 'critical'; });
        var markerColor = points.map(function (p) {
            return p.level === 'critical' ? cssColor('--bad') : p.level === 'degraded' ? cssColor('--warn') : cssColor('--accent');
        });
        var flat = function (value) { return points.map(function () { return value * 100; }); };
        return new Chart(canvas, {
            type: 'line',
            data: {
                labels: points.map(function (p) { return hourLabel(p.hour, points.length > 24); }),
                datasets: [
                    {
                        label: 'Error rate',
                        data: rates,
                        borderColor: cssColor('--accent'),
                        pointBackgroundColor: markerColor,
                        pointBorderColor: markerColor,
                        pointRadius: marked.map(function (m) { return m ? 6 : 3; }),
                        pointStyle: marked.map(function (m) { return m ? 'triangle' : 'circle'; }),
                        spanGaps: false,
                    },
                    {
                        // The hours in which an alert fired (any rule), from the incident timeline.
                        label: 'Alert fired',
                        data: points.map(function (p, i) { return p.alert_fired ? (rates[i] === null ? 0 : rates[i]) : null; }),
                        showLine: false,
                        pointStyle: 'rectRot',
                        pointRadius: 9,
                        pointBorderWidth: 2,
                        borderColor: cssColor('--bad'),
                        backgroundColor: 'transparent',
                    },
                    { label: 'Degraded above', data: flat(t.error_rate_degraded), borderColor: cssColor('--warn'), borderDash: [6, 4], pointRadius: 0, pointHitRadius: 0 },
                    { label: 'Critical above', data: flat(t.error_rate_critical), borderColor: cssColor('--bad'), borderDash: [2, 3], pointRadius: 0, pointHitRadius: 0 },
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                interaction: { mode: 'index', intersect: false },
                scales: {
                    x: { title: { display: true, text: 'Hour (UTC)', color: cssColor('--muted') }, ticks: { color: cssColor('--muted') }, grid: { color: cssColor('--border') } },
                    y: { beginAtZero: true, title: { display: true, text: 'Error rate (%)', color: cssColor('--muted') }, ticks: { color: cssColor('--muted') }, grid: { color: cssColor('--border') } },
                },
                plugins: {
                    legend: { position: 'bottom', labels: { color: cssColor('--fg') } },
                    tooltip: {
                        filter: function (item) { return item.datasetIndex === 0; },
                        callbacks: {
                            title: function (items) { return points[items[0].dataIndex].hour.substring(0, 16).replace('T', ' ') + ' UTC'; },
                            label: function (item) {
                                var p = points[item.dataIndex];
                                return [
                                    'Requests: ' + p.requests,
                                    'Errors: ' + p.errors,
                                    'Error rate: ' + (p.error_rate === null ? 'no requests' : percent(p.error_rate)),
                                    'p95: ' + (p.p95_ms === null ? 'unknown' : p.p95_ms + ' ms'),
                                ].concat(p.alert_fired ? ['An alert fired in this hour'] : []);
                            },
                        },
                    },
                },
            },
        });
    }

    var builders = { quality: qualityChart, 'error-rate': errorRateChart };

    // Each refresh brings new canvases; the old charts are destroyed with their canvases (below), so
    // Chart.instances holds exactly the charts on screen.
    function drawCharts(root) {
        var canvases = root.matches && root.matches('canvas[data-chart]') ? [root] : root.querySelectorAll('canvas[data-chart]');
        Array.prototype.forEach.call(canvases, function (canvas) {
            var existing = Chart.getChart(canvas);
            if (existing) existing.destroy();
            builders[canvas.dataset.chart](canvas, JSON.parse(canvas.dataset.chartData));
        });
    }

    document.addEventListener('htmx:beforeCleanupElement', function (event) {
        var element = event.target;
        if (element.matches && element.matches('canvas[data-chart]')) {
            var chart = Chart.getChart(element);
            if (chart) chart.destroy();
        }
    });

    htmx.onLoad(drawCharts);

    // A failed refresh keeps the cards as they are and says how old they are; the next success clears it.
    function isPoll(event) {
        return event.detail && event.detail.elt && event.detail.elt.id === 'dashboard-poll';
    }

    function showFailure() {
        var banner = document.getElementById('refresh-failed');
        var asOf = document.querySelector('#card-health [data-generated-label]');
        banner.textContent = 'Refresh failed — showing data from ' + (asOf ? asOf.dataset.generatedLabel : 'the last successful refresh');
        banner.hidden = false;
    }

    ['htmx:sendError', 'htmx:responseError', 'htmx:timeout'].forEach(function (name) {
        document.addEventListener(name, function (event) { if (isPoll(event)) showFailure(); });
    });

    document.addEventListener('htmx:afterRequest', function (event) {
        if (isPoll(event) && event.detail.successful) {
            document.getElementById('refresh-failed').hidden = true;
        }
    });
})();
