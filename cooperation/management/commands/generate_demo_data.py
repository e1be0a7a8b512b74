import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cooperation.management.demo_data import DemoDataError, demo_data_generate, expected_rows


class Command(BaseCommand):
    help = (
        "Write synthetic demo data in the portal's real shape, marked as such by the source it "
        "cites: at scale 1 about 100 000 organizations, 50 000 people, 100 000 events with "
        "300 000 participations and 20 000 agreements. The same seed gives the same data. "
        "Remove it with remove_demo_data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Size relative to scale 1 (default 1)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, scale, seed, verbosity, **options):
        started = time.monotonic()
        with tqdm(
            total=expected_rows(scale),
            unit=" rows",
            unit_scale=True,
            disable=verbosity == 0,
            file=self.stderr._out,
        ) as bar:

            def progress(n, step):
                bar.set_description(step, refresh=False)
                bar.update(n)

            try:
                written = demo_data_generate(scale=scale, seed=seed, progress=progress)
            except DemoDataError as exc:
                raise CommandError(str(exc)) from exc
            bar.total = bar.n
            bar.set_description("done")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Wrote {sum(written.values()):,} rows in {seconds:.0f} s: "
            + ", ".join(f"{name} {n:,}" for name, n in sorted(written.items()))
        )
