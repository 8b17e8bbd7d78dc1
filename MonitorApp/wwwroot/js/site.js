// Every page: the header's menu button on narrow screens (the menu is a plain list of links on wide ones).
(function () {
    'use strict';
    document.addEventListener('DOMContentLoaded', function () {
        var toggle = document.querySelector('.menu-toggle');
        if (!toggle)
            return;
        var header = toggle.closest('.site-header');
        toggle.addEventListener('click', function () {
            var open = header.classList.toggle('menu-open');
            toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
        });
        document.addEventListener('keydown', function (event) {
            if (event.key === 'Escape' && header.classList.contains('menu-open')) {
                header.classList.remove('menu-open');
                toggle.setAttribute('aria-expanded', 'false');
                toggle.focus();
            }
        });
    });
})();
