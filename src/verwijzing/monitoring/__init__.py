"""The staff dashboard's figures: who the credit reaches, and where people drop out."""
