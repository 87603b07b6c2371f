"""ClientComm: wiring only. The work happens in chalicelib/."""

from chalice import Chalice

from chalicelib.web import auth_pages, caseload_pages, static_files

app = Chalice(app_name="clientcomm")
app.register_blueprint(static_files.bp)
app.register_blueprint(auth_pages.bp)
app.register_blueprint(caseload_pages.bp)
